"""Small inline SVG charts: a score against its bands, with the value (or the range still possible) marked.

SVG rather than a plotting library: a few hundred bytes, crisp in print and PDF, readable by screen readers (the
``aria-label`` says the same as the picture), and no image generation on the request path.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

FILLS = ("#d9efdf", "#fbe7b5", "#f6c9c9", "#dcd6f7", "#cde4f6")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def score_chart(score: dict[str, Any], bands: Sequence[tuple[str, float, float, str]], width: int = 360) -> Markup:
    if not bands:
        return Markup("")
    lo, hi = bands[0][1], bands[-1][2]
    units = (hi - lo) + 1  # integer scores: each point is a cell
    x0, w = 10.0, width - 20.0

    def left(v: float) -> float:
        return x0 + (v - lo) / units * w

    def centre(v: float) -> float:
        return x0 + (v - lo + 0.5) / units * w

    value, vmin, vmax = score.get("value"), score.get("min"), score.get("max")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    ranged = isinstance(vmin, (int, float)) and isinstance(vmax, (int, float))
    shown = _num(float(value)) if numeric else (f"{_num(float(vmin))} to {_num(float(vmax))}" if ranged  # type: ignore[arg-type]
                                                else "not determined")
    label = (f"{score.get('name', '')}: {shown} on a scale of {_num(lo)} to {_num(hi)}; bands "
             + ", ".join(f"{b[0].replace('_', ' ')} {_num(b[1])}-{_num(b[2])}" for b in bands))
    parts = [f'<svg class="chart" viewBox="0 0 {width} 72" width="{width}" height="72" role="img" '
             f'aria-label="{escape(label)}">']
    for i, (bid, low, high, _meaning) in enumerate(bands):
        x, bw = left(low), (high - low + 1) / units * w
        name = bid.replace("_", " ")
        if len(name) * 5.2 > bw:
            name = name[: max(1, int(bw / 5.2) - 1)] + "…"
        parts.append(f'<rect x="{x:.1f}" y="16" width="{bw:.1f}" height="22" fill="{FILLS[i % len(FILLS)]}" '
                     f'stroke="#555" stroke-width="0.6"/>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="31" font-size="9.5" text-anchor="middle" '
                     f'fill="#1a1a1a">{escape(name)}</text>')
        parts.append(f'<text x="{x + 1:.1f}" y="49" font-size="9" fill="#333">{_num(low)}</text>')
    parts.append(f'<text x="{x0 + w - 1:.1f}" y="49" font-size="9" text-anchor="end" fill="#333">{_num(hi)}</text>')
    if numeric:
        cx = centre(float(value))  # type: ignore[arg-type]
        parts.append(f'<polygon points="{cx:.1f},40 {cx - 6:.1f},52 {cx + 6:.1f},52" fill="#0b4f8a"/>')
        parts.append(f'<text x="{cx:.1f}" y="66" font-size="10.5" font-weight="bold" text-anchor="middle" '
                     f'fill="#0b4f8a">{_num(float(value))}</text>')  # type: ignore[arg-type]
    elif ranged:
        a, b = centre(float(vmin)), centre(float(vmax))  # type: ignore[arg-type]
        parts.append(f'<line x1="{a:.1f}" y1="10" x2="{b:.1f}" y2="10" stroke="#0b4f8a" stroke-width="3"/>')
        for x in (a, b):
            parts.append(f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="15" stroke="#0b4f8a" stroke-width="2"/>')
        parts.append(f'<text x="{x0 + w / 2:.1f}" y="66" font-size="10" text-anchor="middle" fill="#1a1a1a">'
                     f'possible {_num(float(vmin))}–{_num(float(vmax))}: inputs missing</text>')  # type: ignore[arg-type]
    parts.append("</svg>")
    return Markup("".join(parts))
