"""The vectorised scores (cohort/vectorised.py) against the scalar path, row by row, column by column.

The scalar path (``rows.assess_record(..., plan=False)``, i.e. ``tumorboard.scores``) is the reference; these
differential tests are what make the second implementation safe."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from tumorboard.cohort import runner, synth, vectorised
from tumorboard.cohort.columns import unflatten
from tumorboard.cohort.rows import assess_record, output_schema
from tumorboard.cohort.sources import Record
from tumorboard.model import vocabulary as voc
from tumorboard.scores import REGISTRY, katagiri


def scalar(table: pa.Table, first_seq: int = 0) -> pl.DataFrame:
    rows = []
    for i, row in enumerate(table.to_pylist()):
        seq = first_seq + i
        rows.append(assess_record(Record(seq, str(row.get("id") or f"row-{seq}"), unflatten(row)), plan=False))
    return pl.from_arrow(pa.Table.from_pylist(rows, schema=output_schema()))  # type: ignore[return-value]


def assert_same(table: pa.Table, min_vectorised: float) -> None:
    stats: dict[str, int] = {}
    fast = pl.from_arrow(vectorised.assess_table(table, 0, stats=stats))
    slow = scalar(table)
    assert isinstance(fast, pl.DataFrame)
    assert fast.columns == slow.columns and fast.height == slow.height
    for col in slow.columns:
        diff = ~fast[col].eq_missing(slow[col])
        if diff.any():
            i = diff.arg_true()[0]
            pytest.fail(f"{col}: row {i} vectorised {fast[col][i]!r} != scalar {slow[col][i]!r}; "
                        f"input {table.slice(i, 1).to_pylist()[0]}")
    assert stats.get("vectorised", 0) >= min_vectorised * table.num_rows, stats


def blank(df: pl.DataFrame, rate: float, seed: int) -> pl.DataFrame:
    """Randomly blank (unknown) input cells."""
    rng = np.random.default_rng(seed)
    cols = [c for c in df.columns if not c.startswith(("outcome.", "treatment.")) and c not in ("id", "synthetic")]
    return df.with_columns([
        pl.when(pl.Series(rng.random(df.height) < rate)).then(None).otherwise(pl.col(c)).alias(c) for c in cols])


def test_every_registered_score_is_vectorised() -> None:
    assert set(REGISTRY) == set(vectorised.VECTORISED) and vectorised.COMPLETE


def test_synthetic_table_matches_scalar() -> None:
    assert_same(synth.generate(2000, seed=11).to_arrow(), min_vectorised=1.0)


@pytest.mark.parametrize("seed", [1, 2])
def test_synthetic_table_with_blanked_inputs_matches_scalar(seed: int) -> None:
    assert_same(blank(synth.generate(1500, seed=seed), 0.3, seed).to_arrow(), min_vectorised=1.0)


# A wider random table than synth: every input the scores read, two lesions, multi-level lesions, long bones and
# the acetabulum, sarcoma histologies and grades, and a small share of invalid cells (which go the scalar path).
SITES = list(voc.values(voc.PrimarySite))
HISTOLOGY = ["chondrosarcoma", " Ewing_Sarcoma ", "liposarcoma_myxoid", "leiomyosarcoma", "seminoma",
             "non-seminoma", "Seminoma, classic", "adenocarcinoma"]


def _choice(rng: np.random.Generator, values: list[Any], n: int, p_none: float, bad: list[Any] | None = None,
            p_bad: float = 0.0) -> list[Any]:
    out: list[Any] = []
    for _ in range(n):
        r = rng.random()
        if r < p_none:
            out.append(None)
        elif bad and r < p_none + p_bad:
            out.append(bad[int(rng.integers(len(bad)))])
        else:
            out.append(values[int(rng.integers(len(values)))])
    return out


def random_table(n: int, seed: int, p_bad: float = 0.01) -> pa.Table:
    rng = np.random.default_rng(seed)
    pn = 0.3

    def enum(lit: Any, bad: list[Any] | None = None) -> list[Any]:
        return _choice(rng, list(voc.values(lit)), n, pn, bad or ["bogus"], p_bad)

    levels = [*voc.SPINAL_LEVELS, "T9;T10", "T11; T12 ;L1", "C2;C3;C4", " ; ", ""]
    structures = ["peritrochanteric", "acetabulum", "cortex;peritrochanteric", "ilium;acetabulum", "", "pedicle"]
    cols: dict[str, Any] = {
        "id": [f"r{i}" if rng.random() < 0.9 else None for i in range(n)],
        "patient.age_years": _choice(rng, [8, 15.5, 16, 40, 70, float("nan")], n, pn, [130], p_bad),
        "patient.ecog": _choice(rng, [0, 1, 2, 3, 4], n, pn, [7], p_bad),
        "patient.kps": _choice(rng, list(range(0, 101, 10)), n, pn, [85, 110], p_bad),
        "patient.lansky": _choice(rng, list(range(0, 101, 10)), n, 0.7),
        "patient.ambulatory": enum(voc.Ambulatory),
        "patient.fit_for_surgery": _choice(rng, [True, False], n, pn),
        "primary.site": _choice(rng, SITES, n, 0.15, ["pancreatic"], p_bad),
        "primary.histology": _choice(rng, HISTOLOGY, n, 0.5),
        "primary.hormone_dependent": _choice(rng, [True, False], n, pn),
        "primary.targeted_therapy_available": _choice(rng, [True, False], n, pn),
        "primary.grade": _choice(rng, list(voc.values(voc.Grade)), n, 0.7),
        "primary.fnclcc.differentiation": _choice(rng, [1, 2, 3], n, 0.6, [4], p_bad),
        "primary.fnclcc.mitoses_per_10hpf": _choice(rng, [0, 9, 10, 19, 20, 45], n, 0.6),
        "primary.fnclcc.necrosis": _choice(rng, list(voc.values(voc.Necrosis)), n, 0.6),
        "disease.visceral_metastases": enum(voc.VisceralMetastases),
        "disease.visceral_treatable": _choice(rng, [True, False], n, pn),
        "disease.visceral_pattern": enum(voc.VisceralPattern),
        "disease.brain_metastases": _choice(rng, [True, False], n, pn),
        "disease.extraspinal_bone_metastases": _choice(rng, [0, 1, 2, 3, 4, 12], n, pn, [-1], p_bad),
        "disease.vertebral_body_metastases": _choice(rng, [0, 1, 2, 3, 5], n, pn),
        "disease.skeletal_metastases": enum(voc.SkeletalMetastases),
        "disease.pathological_fracture": _choice(rng, [True, False], n, pn),
        "neurology.frankel": enum(voc.NeuroGrade),
        "neurology.asia": _choice(rng, list(voc.values(voc.NeuroGrade)), n, 0.6),
        "neurology.myelopathy": _choice(rng, [True, False], n, pn),
        "pain.character": enum(voc.PainCharacter),
        "pain.limb_pain": enum(voc.LimbPain),
        "labs.albumin_g_dl": _choice(rng, [2.9, 3.49, 3.5, 3.69, 3.7, 4.2], n, pn),
        "labs.crp_mg_dl": _choice(rng, [0.1, 0.39, 0.4, 2.0], n, pn),
        "labs.ldh_iu_l": _choice(rng, [150.0, 249.9, 250.0, 400.0], n, pn),
        "labs.platelets_per_ul": _choice(rng, [50_000.0, 99_999.0, 100_000.0, 250_000.0], n, pn),
        "labs.calcium_mg_dl": _choice(rng, [9.0, 10.29, 10.3, 11.0], n, pn),
        "labs.bilirubin_mg_dl": _choice(rng, [0.5, 1.39, 1.4, 2.0], n, pn),
        "history.prior_chemotherapy": _choice(rng, [True, False], n, pn),
        "outcome.death": _choice(rng, [True, False], n, 0.1),
    }
    for i, p_lesion in ((0, 0.05), (1, 0.6)):
        cols[f"lesions.{i}.id"] = _choice(rng, ["a", "b", "index", "0", "1"], n, 0.5, ["bad id!"], p_bad)
        cols[f"lesions.{i}.region"] = _choice(rng, list(voc.values(voc.Region)), n, pn + p_lesion)
        cols[f"lesions.{i}.levels"] = _choice(rng, levels, n, 0.4 + p_lesion, ["T13"], p_bad)
        cols[f"lesions.{i}.structures"] = _choice(rng, structures, n, 0.5 + p_lesion)
        for f, lit in (("bone_lesion", voc.BoneLesion), ("alignment", voc.Alignment), ("collapse", voc.Collapse),
                       ("posterolateral", voc.Posterolateral), ("escc_grade", voc.EsccGrade),
                       ("pain_character", voc.PainCharacter), ("limb_pain", voc.LimbPain),
                       ("cortical_fraction", voc.CorticalFraction), ("harrington_class", voc.HarringtonClass)):
            cols[f"lesions.{i}.{f}"] = _choice(rng, list(voc.values(lit)), n, pn + p_lesion, ["4"], p_bad)
    return pa.table(cols)


@pytest.mark.parametrize("seed", [3, 4])
def test_random_cases_with_two_lesions_match_scalar(seed: int) -> None:
    assert_same(random_table(2500, seed), min_vectorised=0.6)


def test_unusual_cells_go_the_scalar_path() -> None:
    table = pa.table({
        "id": ["ok", "unit", "extra", "gap", "gap-id", "dup", "unknown", "nan"],
        "labs.albumin_g_dl": [3.9, None, None, None, None, None, None, math.nan],
        "labs.albumin_g_dl.unit": [None, "g/L", None, None, None, None, None, None],
        "patient.extra.note": [None, None, "x", None, None, None, None, None],
        "patient.foo": [None, None, None, None, None, None, "y", None],
        "lesions.0.region": ["thoracic", None, None, None, None, "lumbar", None, "sacrum"],
        "lesions.0.id": [None, None, None, None, None, "a", None, None],
        "lesions.1.id": [None, None, None, None, "b", "a", None, None],
        "lesions.1.region": [None, None, None, "femur", "femur", "femur", None, None],
    })
    stats: dict[str, int] = {}
    fast = pl.from_arrow(vectorised.assess_table(table, 10, stats=stats))
    assert isinstance(fast, pl.DataFrame)
    assert fast.equals(scalar(table, 10))
    # only "ok" and "nan" (NaN is unknown) are vectorised: a lesion 1 without a lesion 0 is position 0 in the case
    assert stats == {"vectorised": 2, "scalar": 6}
    errors = dict(zip(fast["id"].to_list(), fast["error"].to_list(), strict=True))
    assert errors["dup"] and "used twice" in errors["dup"] and errors["unknown"]


def test_katagiri_lab_rules_read_from_the_module() -> None:
    for rules, probed in ((katagiri.CRITICAL_LABS, vectorised.KATAGIRI_CRITICAL),
                          (katagiri.ABNORMAL_LABS, vectorised.KATAGIRI_ABNORMAL)):
        for (name, rule), (pname, expr) in zip(rules, probed, strict=True):
            assert name == pname
            const = next(c for c in rule.__code__.co_consts if isinstance(c, (int, float)))
            grid = [const * f for f in (0.5, 0.999, 1.0, 1.001, 2.0)] + [math.nextafter(const, 0)]
            got = pl.select(expr(pl.Series(grid, dtype=pl.Float64))).to_series().to_list()
            assert got == [rule(v) for v in grid]


def test_probe_refuses_non_threshold_rules() -> None:
    with pytest.raises(ValueError):
        vectorised._probe(lambda v: 1 < v < 2)


def _cli(args: list[str]) -> None:
    from typer.testing import CliRunner

    from tumorboard.cli import cohort as _cohort  # noqa: F401 - registers the commands
    from tumorboard.cli.app import app

    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_cli_scores_only_vectorised_equals_scalar(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / f"cohort{suffix}"
    df = blank(synth.generate(700, seed=5), 0.2, 5)
    if suffix == ".csv":
        df.write_csv(src)
    else:
        df.write_parquet(src)
    fast, slow = tmp_path / "fast.parquet", tmp_path / "slow.parquet"
    _cli(["cohort", "assess", str(src), "--out", str(fast), "--scores-only", "--batch-size", "256"])
    _cli(["cohort", "assess", str(src), "--out", str(slow), "--scores-only", "--scalar"])
    a, b = pl.read_parquet(fast), pl.read_parquet(slow)
    assert a.height == 700 and a.schema == b.schema
    assert a.equals(b)


def test_100k_rows_end_to_end_vectorised(tmp_path: Path) -> None:
    src = synth.write(100_000, tmp_path / "big.parquet", seed=9)
    out = tmp_path / "big-scores.parquet"
    summary = runner.run(src, out, plan=False, vectorised=True, batch_size=25_000)
    assert summary.total == summary.assessed == 100_000 and summary.errors == 0
    assert "scores computed by the vectorised path (polars)" in summary.notes
    df = pl.read_parquet(out)
    assert df.height == 100_000 and df["seq"].to_list() == list(range(100_000))
    assert df["error"].null_count() == 100_000 and df["tokuhashi.value"].null_count() == 0
    # a sample of rows against the scalar path
    picks = sorted(np.random.default_rng(0).choice(100_000, size=300, replace=False).tolist())
    import pyarrow.parquet as pq

    raw = pq.read_table(src)
    for i in picks[:: 30]:
        row = scalar(raw.slice(i, 1), i)
        assert df.slice(i, 1).equals(row)


def test_vectorised_resume_and_empty_input(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    src = synth.write(500, tmp_path / "s.parquet")
    full = tmp_path / "full.parquet"
    runner.run(src, full, plan=False, vectorised=True, batch_size=100)
    # interrupted run: only the first part (100 rows) was written, by a run with another batch size
    parts = tmp_path / "resumed.parquet.parts"
    parts.mkdir()
    pq.write_table(pq.read_table(full).slice(0, 100), parts / "part-000000000000.parquet")
    summary = runner.run(src, tmp_path / "resumed.parquet", plan=False, vectorised=True, batch_size=150)
    assert summary.skipped == 100 and summary.assessed == 400
    assert pl.read_parquet(tmp_path / "resumed.parquet").equals(pl.read_parquet(full))
    scalar_out = tmp_path / "scalar.parquet"
    runner.run(src, scalar_out, plan=False, batch_size=100)
    assert pl.read_parquet(scalar_out).equals(pl.read_parquet(full))
    empty = tmp_path / "empty.csv"
    empty.write_text("id,patient.ecog\n")
    summary = runner.run(empty, tmp_path / "e.parquet", plan=False, vectorised=True)
    assert summary.total == 0 and pl.read_parquet(tmp_path / "e.parquet").height == 0


def test_cli_validate_uses_the_vectorised_scores(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tumorboard.cli import cohort as _cohort  # noqa: F401 - registers the commands
    from tumorboard.cli.app import app

    src = tmp_path / "s.parquet"
    _cli(["cohort", "synth", "400", "--out", str(src)])
    res = CliRunner().invoke(app, ["cohort", "validate", str(src), "--out", str(tmp_path / "rep"),
                                   "--bootstrap", "5"])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC DATA" in res.output and "tokuhashi" in res.output
    assert (tmp_path / "rep" / "report.html").is_file()
