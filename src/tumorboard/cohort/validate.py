"""Validate prognostic scores against outcomes, as the field's comparison papers do: Kaplan-Meier curves and median
survival by band, Harrell's C-index with a bootstrap interval, calibration of the bands' published predictions
against what was observed, and the counts — every score side by side. Statistics come from lifelines.
"""

from __future__ import annotations

import base64
import io
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Direction of each prognostic score: +1 when a higher value predicts longer survival, -1 when shorter.
DIRECTION: dict[str, int] = {
    "tokuhashi": +1, "tomita": -1, "katagiri": -1, "bauer": +1, "modified_bauer": +1, "nesms": +1,
    "van_der_linden": +1,
}
# Published band predictions used for calibration (verified in shared/clinical/scores.md, marked [V]).
# kind "median_range": the band predicts median survival in [low, high) months;
# kind "survival_at": the band predicts the survival probability at `months`.
CALIBRATION: dict[str, dict[str, dict[str, Any]]] = {
    "tokuhashi": {  # Tokuhashi 2005: 0-8 < 6 months, 9-11 >= 6 months, 12-15 >= 12 months
        "under_6_months": {"kind": "median_range", "low": 0, "high": 6},
        "over_6_months": {"kind": "median_range", "low": 6, "high": math.inf},
        "over_12_months": {"kind": "median_range", "low": 12, "high": math.inf},
    },
    "katagiri": {  # Katagiri 2014: 1-year survival 91% (score <= 3), 6% (score >= 7)
        "low": {"kind": "survival_at", "months": 12, "p": 0.91},
        "high": {"kind": "survival_at", "months": 12, "p": 0.06},
    },
}
BOOTSTRAP = 200


@dataclass
class BandSummary:
    band: str
    n: int
    events: int
    median_months: float | None
    median_ci: tuple[float | None, float | None]
    survival_12m: float | None
    predicted: str | None = None
    observed: str | None = None
    calibrated: bool | None = None


@dataclass
class ScoreValidation:
    key: str
    n: int
    c_index: float | None
    c_index_ci: tuple[float, float] | None
    direction: int
    bands: list[BandSummary] = field(default_factory=list)
    plot: str | None = None


def _fin(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isinf(v) or math.isnan(v) else round(v, 2)


def _band_summary(key: str, band: str, t: Any, e: Any) -> BandSummary:
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    kmf = KaplanMeierFitter().fit(t, e, label=band)
    ci = median_survival_times(kmf.confidence_interval_)
    s12 = float(kmf.survival_function_at_times(12).iloc[0])
    out = BandSummary(band, len(t), int(e.sum()), _fin(kmf.median_survival_time_),
                      (_fin(ci.iloc[0, 0]), _fin(ci.iloc[0, 1])), round(s12, 3))
    pred = CALIBRATION.get(key, {}).get(band)
    if pred and pred["kind"] == "median_range":
        high = "" if math.isinf(pred["high"]) else f"<{pred['high']}"
        out.predicted = f"median {'>=' + str(pred['low']) if pred['low'] else ''}{high} months".replace("  ", " ")
        med = kmf.median_survival_time_
        out.observed = f"median {_fin(med)} months"
        out.calibrated = bool(pred["low"] <= med < pred["high"])
    elif pred and pred["kind"] == "survival_at":
        obs = float(kmf.survival_function_at_times(pred["months"]).iloc[0])
        out.predicted = f"{pred['p']:.0%} alive at {pred['months']} months"
        out.observed = f"{obs:.0%} alive at {pred['months']} months"
        out.calibrated = abs(obs - pred["p"]) <= 0.10
    return out


def c_index(t: Any, e: Any, values: Any, direction: int, bootstrap: int = BOOTSTRAP,
            seed: int = 11) -> tuple[float, tuple[float, float]]:
    """Harrell's C (lifelines) oriented so that 0.5 is chance and 1 is perfect, with a percentile bootstrap CI."""
    import numpy as np
    from lifelines.utils import concordance_index

    c = float(concordance_index(t, direction * values, e))
    rng = np.random.default_rng(seed)
    n = len(t)
    boots = []
    for _ in range(bootstrap):
        idx = rng.integers(0, n, n)
        if e[idx].sum() == 0:
            continue
        boots.append(concordance_index(t[idx], direction * values[idx], e[idx]))
    lo, hi = (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))) if boots else (c, c)
    return round(c, 4), (round(lo, 4), round(hi, 4))


def _plot(key: str, groups: dict[str, tuple[Any, Any]], synthetic: bool) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from lifelines import KaplanMeierFitter

    fig, ax = plt.subplots(figsize=(6, 4), dpi=90)
    for band, (t, e) in groups.items():
        KaplanMeierFitter().fit(t, e, label=f"{band} (n={len(t)})").plot_survival_function(ax=ax, ci_show=False)
    ax.set_xlabel("months")
    ax.set_ylabel("survival")
    ax.set_title(f"{key}: Kaplan-Meier by band" + (" (SYNTHETIC DATA)" if synthetic else ""))
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def validate_frame(df: Any, *, synthetic: bool = False, bootstrap: int = BOOTSTRAP) -> list[ScoreValidation]:
    """Validate every prognostic score present in ``df`` (columns ``<key>.value``, ``<key>.band`` and
    ``outcome.survival_months``, ``outcome.death``)."""
    import numpy as np

    out: list[ScoreValidation] = []
    for key, direction in DIRECTION.items():
        if f"{key}.value" not in df.columns:
            continue
        sub = df.select([f"{key}.value", f"{key}.band", "outcome.survival_months", "outcome.death"]).drop_nulls()
        if sub.height < 10:
            continue
        t = sub["outcome.survival_months"].to_numpy().astype(float)
        e = sub["outcome.death"].to_numpy().astype(bool)
        values = sub[f"{key}.value"].cast(float).to_numpy()
        c, ci = c_index(t, e, values, direction, bootstrap)
        groups: dict[str, tuple[Any, Any]] = {}
        bands = sub[f"{key}.band"].to_numpy()
        for band in sorted(set(bands), key=lambda b: float(np.median(values[bands == b]))):
            mask = bands == band
            groups[str(band)] = (t[mask], e[mask])
        result = ScoreValidation(key, sub.height, c, ci, direction,
                                 [_band_summary(key, b, tt, ee) for b, (tt, ee) in groups.items()])
        result.plot = _plot(key, groups, synthetic)
        out.append(result)
    return out


def write_report(results: list[ScoreValidation], out_dir: str | Path, *, synthetic: bool) -> Path:
    """summary.json, km_<score>.png and report.html in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    note = "SYNTHETIC DATA: these figures come from a generated cohort, not patients." if synthetic else ""
    data = {"synthetic": synthetic, "note": note,
            "scores": [{k: v for k, v in asdict(r).items() if k != "plot"} for r in results]}
    (out / "summary.json").write_text(json.dumps(data, indent=2, default=str))
    rows, figures = [], []
    for r in results:
        if r.plot:
            (out / f"km_{r.key}.png").write_bytes(base64.b64decode(r.plot))
            figures.append(f'<figure><img alt="Kaplan-Meier curves of {r.key} by band" '
                           f'src="data:image/png;base64,{r.plot}"><figcaption>{r.key}</figcaption></figure>')
        for b in r.bands:
            rows.append(f"<tr><td>{r.key}</td><td>{r.c_index} ({r.c_index_ci[0] if r.c_index_ci else ''}-"
                        f"{r.c_index_ci[1] if r.c_index_ci else ''})</td><td>{b.band}</td><td>{b.n}</td>"
                        f"<td>{b.events}</td><td>{b.median_months} ({b.median_ci[0]}-{b.median_ci[1]})</td>"
                        f"<td>{b.survival_12m}</td><td>{b.predicted or ''}</td><td>{b.observed or ''}</td>"
                        f"<td>{'' if b.calibrated is None else ('yes' if b.calibrated else 'no')}</td></tr>")
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Score validation</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{border:1px solid #999;padding:.3em}}
table{{border-collapse:collapse}}
.warn{{background:#fee;border:2px solid #c00;padding:.5em;font-weight:bold}}</style></head><body>
<h1>Score validation</h1>{f'<p class="warn">{note}</p>' if note else ''}
<table><thead><tr><th>score</th><th>C-index (95% CI)</th><th>band</th><th>n</th><th>events</th>
<th>median months (95% CI)</th><th>12-month survival</th><th>published prediction</th><th>observed</th>
<th>calibrated</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{''.join(figures)}</body></html>"""
    (out / "report.html").write_text(html)
    return out
