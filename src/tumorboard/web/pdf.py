"""The assessment as a PDF (fpdf2), from the same context as the HTML report. Unicode via the DejaVu Sans font that
matplotlib ships (no extra font download)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any


def _font_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    return path if (path / "DejaVuSans.ttf").is_file() else None


def report_pdf(ctx: dict[str, Any]) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(14, 14, 14)
    fonts = _font_dir()
    family = "Helvetica"
    if fonts is not None:
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        family = "DejaVu"

    def clean(text: Any) -> str:
        s = str(text if text is not None else "")
        return s if family == "DejaVu" else s.encode("latin-1", "replace").decode("latin-1")

    def para(text: Any, size: float = 9.5, style: str = "", gap: float = 1.2) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, size * 0.48, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(1.5)
        para(text, 12, "B", 0.8)

    result = ctx["result"]
    pdf.set_title(f"tumorboard assessment {result.get('case_id') or ''}".strip())
    pdf.set_creator("tumorboard")
    pdf.add_page()
    para(f"tumorboard assessment: {result.get('case_id') or 'case'}", 15, "B")
    para(f"Assessment {ctx['assessment_id']} · {ctx['created_at']} · engine {result.get('engine_version', '')} · "
         f"knowledge base {ctx.get('kb_version') or 'not loaded'}", 8)
    status = ctx.get("review_status", "draft")
    if status != "approved":
        pdf.set_fill_color(255, 244, 214)
        pdf.set_font(family, "B", 9.5)
        pdf.multi_cell(0, 5, clean(f"Content pending clinical review (status: {status.replace('_', ' ')})."),
                       fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    plan = ctx.get("plan") or {}
    refnum = ctx["refnum"]

    def cites(ids: list[str]) -> str:
        return "".join(f" [{refnum[r]}]" for r in ids if r in refnum)

    if plan.get("warnings"):
        heading("Warnings")
        for o in plan["warnings"]:
            text = f"! {o.get('title') or o.get('statement')}: {o.get('recommendation', '')}"
            para(text + cites(o.get("references", [])),
                 9.5, "B")
    heading("Scores")
    for key, s in ctx["scores"].items():
        shown = s.get("value") if s.get("value") is not None else (
            f"{s.get('min')}-{s.get('max')} (range with missing inputs)" if s.get("min") is not None
            else "not determined")
        band = s.get("band") or ("undetermined: " + " or ".join(s.get("possible_bands") or []))
        where = f" · lesion {s['lesion']}" if s.get("lesion") else ""
        para(f"{s.get('name', key)}{where}: {shown}; band {band}", 10, "B", 0.3)
        para(s.get("interpretation", ""), 9, "", 0.3)
        items = "; ".join(
            f"{k}: {('missing' if i.get('value') is None else i.get('value'))} "
            f"({i['points'] if i.get('points') is not None else '?'} pts)"
            for k, i in (s.get("inputs") or {}).items())
        if items:
            para("Items: " + items, 8, "", 1)
    heading("Plan")
    if not plan:
        para("No plan: the knowledge base is not wired into the engine in this installation.")
    for i, o in enumerate(plan.get("options") or [], 1):
        para(f"{o.get('rank') or i}. {o.get('title') or o.get('statement')}", 10, "B", 0.3)
        ev = o.get("evidence") or {}
        para(f"{o.get('recommendation', '')}{cites(o.get('references', []))}", 9.5, "", 0.3)
        para(f"Strength {o.get('strength', '').replace('_', ' ')} · evidence {ev.get('scheme', '')} "
             f"{ev.get('level', '')} · {o.get('review_status', 'draft').replace('_', ' ')}", 8, "I", 1)
    if plan.get("avoid"):
        heading("Avoid")
        for o in plan["avoid"]:
            para(f"{o.get('title') or o.get('statement')}: {o.get('reason') or o.get('recommendation', '')}"
                 f"{cites(o.get('references', []))}", 9.5)
    heading("Missing inputs and what they could change")
    if not ctx["missing"]:
        para("Nothing the scores or the plan read is missing.")
    for m in ctx["missing"]:
        changes = ", ".join(str(c).replace("_", " ") for c in m.get("could_change") or []) or "-"
        para(f"{m.get('field')}: {changes}", 9, "", 0.5)
    heading("References")
    for r in ctx["references"]:
        meta = ", ".join(str(x) for x in (r.get("type"), r.get("year")) if x)
        para(f"[{refnum[r['id']]}] {r.get('citation') or r['id']}" + (f" ({meta})" if meta else ""), 8.5, "", 0.6)
    pdf.ln(2)
    para(result.get("disclaimer") or "", 8, "I")
    return bytes(pdf.output())
