"""Assessment reports in Markdown and text, for clinicians or (``audience="patient"``) in plain language.

Shaped like guideline-based answer services: title, review-status banner, bottom line, warnings, assessment, treatment
plan, avoid, special considerations, supportive care, monitoring, pitfalls, references, disclaimer. Inline citation
numbers ``[n]`` resolve to the numbered references, which ``assess`` orders by first use in this same section order.
Pure functions of a ``Result``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Literal

from tumorboard.model.result import Because, MissingInput, Option, Result, ScoreResult

Audience = Literal["clinician", "patient"]
BANNER = ("Content pending clinical review: the knowledge-base statements used here have not all been approved by a "
          "named clinician.")
PATIENT_BANNER = ("This plan was made with information that doctors are still checking. Talk about it with your care "
                  "team before you decide anything.")
PATIENT_DISCLAIMER = ("This is not medical advice. It is a summary to help you talk with your care team, who know "
                      "your full situation.")

MODALITY_NAMES: dict[str, str] = {
    "cebrt": "conventional radiotherapy", "sbrt": "stereotactic radiotherapy (SBRT)",
    "definitive_rt": "definitive radiotherapy", "preoperative_rt": "preoperative radiotherapy",
    "postoperative_rt": "postoperative radiotherapy", "reirradiation": "re-irradiation",
    "brachytherapy": "brachytherapy", "separation_surgery": "separation surgery",
    "decompression_stabilization": "decompression and stabilisation", "stabilization": "stabilisation",
    "en_bloc_resection": "en bloc resection", "intralesional_resection": "intralesional resection",
    "prophylactic_fixation": "prophylactic fixation", "fracture_fixation": "fracture fixation",
    "acetabular_reconstruction": "acetabular reconstruction", "metastasectomy": "metastasectomy",
    "lymphadenectomy": "lymphadenectomy", "local_recurrence_resection": "resection of the local recurrence",
    "amputation": "amputation", "vertebral_augmentation": "vertebral augmentation (vertebroplasty/kyphoplasty)",
    "sacroplasty": "sacroplasty", "cementoplasty": "cementoplasty", "percutaneous_fixation": "percutaneous fixation",
    "thermal_ablation": "thermal ablation", "cryoablation": "cryoablation",
    "focused_ultrasound": "MR-guided focused ultrasound",
    "photodynamic_therapy": "photodynamic therapy", "embolization": "embolisation",
    "chemotherapy": "chemotherapy", "targeted_therapy": "targeted therapy", "immunotherapy": "immunotherapy",
    "hormone_therapy": "hormone therapy", "bone_modifying_agent": "bone-modifying agent",
    "denosumab_gctb": "denosumab for giant cell tumour of bone", "corticosteroids": "corticosteroids",
    "analgesia": "analgesia", "interventional_pain": "interventional pain management",
    "palliative_care": "specialist palliative care", "rehabilitation": "rehabilitation",
    "best_supportive_care": "best supportive care",
    "urgent_spine_surgical_consultation": "urgent spine surgical consultation",
    "surgical_consultation": "surgical consultation", "multidisciplinary_review": "multidisciplinary tumour board",
    "biopsy": "biopsy", "imaging": "imaging", "clinical_trial": "clinical trial", "surveillance": "surveillance",
}
PLAIN_MODALITY: dict[str, str] = {
    "cebrt": "radiation treatment", "sbrt": "highly focused radiation", "definitive_rt": "high-dose radiation",
    "preoperative_rt": "radiation before surgery", "postoperative_rt": "radiation after surgery",
    "reirradiation": "a second course of radiation", "brachytherapy": "radiation placed inside the body",
    "separation_surgery": "surgery to free the spinal cord, then focused radiation",
    "decompression_stabilization": "surgery to take pressure off the nerves and hold the spine steady",
    "stabilization": "surgery to hold the bone steady",
    "en_bloc_resection": "surgery to remove the tumour in one piece",
    "intralesional_resection": "surgery to remove part of the tumour",
    "prophylactic_fixation": "surgery to strengthen the bone before it breaks",
    "fracture_fixation": "surgery to fix the broken bone", "acetabular_reconstruction": "hip socket repair surgery",
    "metastasectomy": "surgery to remove tumour spots", "local_recurrence_resection": "surgery to remove the tumour "
    "that came back", "amputation": "removal of the limb", "vertebral_augmentation": "bone cement in the spine",
    "sacroplasty": "bone cement in the lower back bone", "cementoplasty": "bone cement",
    "percutaneous_fixation": "screws placed through the skin", "thermal_ablation": "heat treatment of the tumour",
    "cryoablation": "freezing the tumour", "focused_ultrasound": "focused sound-wave treatment",
    "embolization": "blocking the tumour's blood supply", "chemotherapy": "chemotherapy (cancer drugs)",
    "targeted_therapy": "targeted drug treatment", "immunotherapy": "immune treatment",
    "hormone_therapy": "hormone treatment", "bone_modifying_agent": "a drug that protects the bones",
    "corticosteroids": "a steroid drug to bring down swelling", "analgesia": "pain medicine",
    "interventional_pain": "pain procedures", "palliative_care": "a team that helps with comfort and symptoms",
    "rehabilitation": "physical therapy and support to move", "best_supportive_care": "care focused on comfort",
    "urgent_spine_surgical_consultation": "a spine surgeon seeing you today",
    "surgical_consultation": "seeing a surgeon", "multidisciplinary_review": "a meeting of specialists about your case",
    "biopsy": "a tissue sample", "imaging": "more scans", "clinical_trial": "a research study",
    "surveillance": "regular check-ups and scans",
}
SECTION_TITLES = {
    "warnings": "Warnings", "assessment": "Assessment", "treatment": "Treatment plan", "avoid": "Avoid",
    "special_considerations": "Special considerations", "supportive": "Supportive care", "monitoring": "Monitoring",
    "pitfalls": "Pitfalls to avoid", "references": "References",
}


# --- a tiny document model, emitted as Markdown or text ------------------------------------------------------------


@dataclass
class Block:
    kind: Literal["heading", "para", "bullets", "numbered", "table", "banner", "rule"]
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    level: int = 2


def _md(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            out += ["#" * b.level + " " + b.text, ""]
        elif b.kind == "banner":
            out += [f"> **{b.text}**", ""]
        elif b.kind == "para":
            out += [b.text, ""]
        elif b.kind == "bullets":
            out += [f"- {i}" for i in b.items] + [""]
        elif b.kind == "numbered":
            out += [f"{n}. {i}" for n, i in enumerate(b.items, start=1)] + [""]
        elif b.kind == "table":
            head, *body = b.rows
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body]
            out.append("")
        elif b.kind == "rule":
            out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"


_ITALIC = re.compile(r"(?<![A-Za-z0-9])_([^_\n][^\n]*?)_(?![A-Za-z0-9])")


def _plain(text: str) -> str:
    """Markdown emphasis and code marks removed (snake_case identifiers are kept)."""
    return _ITALIC.sub(r"\1", text.replace("**", "").replace("`", ""))


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    first = indent if first is None else first
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out += textwrap.wrap(_plain(line).strip(), width=100, initial_indent=first if i == 0 else indent,
                             subsequent_indent=indent, break_on_hyphens=False) or [indent]
    return out


def _txt(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            title = b.text.upper() if b.level <= 2 else b.text
            out += [title, "=" * len(title) if b.level == 1 else "-" * len(title) if b.level == 2 else "", ""]
            if b.level > 2:
                out.pop(-2)
        elif b.kind == "banner":
            out += [*_wrap("*** " + b.text + " ***"), ""]
        elif b.kind == "para":
            out += [*_wrap(b.text), ""]
        elif b.kind == "bullets":
            for i in b.items:
                out += _wrap(i, "    ", "  - ")
            out.append("")
        elif b.kind == "numbered":
            for n, i in enumerate(b.items, start=1):
                out += _wrap(i, "     ", f"{n:>2}. ")
            out.append("")
        elif b.kind == "table":  # one wrapped line per row: header: value, ...
            head, *body = b.rows
            for row in body:
                cells = [f"{h.lower()}: {_plain(c)}" for h, c in zip(head[1:], row[1:], strict=False) if c]
                out += _wrap(f"{_plain(row[0])} - " + "; ".join(cells), "    ", "  - ")
            out.append("")
        elif b.kind == "rule":
            out += ["-" * 40, ""]
    return "\n".join(out).rstrip() + "\n"


# --- shared helpers ------------------------------------------------------------------------------------------------


def _cites(result: Result) -> dict[str, int]:
    return {r.id: i for i, r in enumerate(result.references, start=1)}


def _cite(refs: list[str], numbers: dict[str, int]) -> str:
    nums = sorted({numbers[r] for r in refs if r in numbers})
    return "".join(f"[{n}]" for n in nums)


def _value(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x) for x in v) or "none"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items() if x is not None)
    return str(v)


def _because(b: Because) -> str:
    if b.score:
        where = f" ({b.lesion})" if b.lesion else ""
        if b.note == "does not apply":
            return f"{b.score}{where} does not apply"
        if b.band:
            shown = f" {_value(b.value)}" if b.value is not None and not isinstance(b.value, dict) else ""
            return f"{b.score}{shown}{where}: {b.band}"
        return f"{b.score}{where} = {_value(b.value)}"
    text = f"{b.fact} = {_value(b.value)}"
    if b.note and b.fact and ".derived." in f".{b.fact}":
        text += f" ({b.note})"
    return text


def _modality(o: Option) -> str:
    if not o.modality:
        return ""
    names = [MODALITY_NAMES.get(o.modality, o.modality), *(MODALITY_NAMES.get(m, m) for m in o.followed_by)]
    return " then ".join(names)


def _score_value(r: ScoreResult) -> str:
    if isinstance(r.value, dict):
        return _value(r.value)
    if r.value is not None:
        return _value(r.value)
    if r.min is not None and r.max is not None:
        return f"unknown ({r.min:g}-{r.max:g})"
    return "unknown"


def _first_sentences(text: str, n: int = 2) -> str:
    parts: list[str] = []
    rest = text.strip()
    while rest and len(parts) < n:
        idx = next((i for i in range(len(rest) - 1) if rest[i] in ".!?" and rest[i + 1] == " "), -1)
        if idx < 0:
            parts.append(rest)
            break
        parts.append(rest[: idx + 1])
        rest = rest[idx + 2:]
    return " ".join(parts)


def _missing_line(m: MissingInput) -> str:
    text = f"`{m.field}`"
    if m.could_change:
        text += ": could change " + ", ".join(MODALITY_NAMES.get(c, c) for c in m.could_change)
    effects = []
    for alt in m.alternatives[:3]:
        what = []
        if alt.adds:
            what.append("adds " + "; ".join(alt.adds))
        if alt.removes:
            what.append("removes " + "; ".join(alt.removes))
        effects.append(f"if {_value(alt.value)}: " + ", ".join(what))
    if effects:
        text += " (" + " | ".join(effects) + ")"
    elif m.note:
        text += f" ({m.note})"
    return text


# --- clinician report ----------------------------------------------------------------------------------------------


def _option_item(o: Option, numbers: dict[str, int], avoid: bool = False) -> str:
    head = f"**{o.title or o.statement}**"
    mod = _modality(o)
    meta = [m for m in (mod, f"lesion {o.lesion}" if o.lesion else "") if m]
    if meta:
        head += " (" + "; ".join(meta) + ")"
    if not avoid:
        head += f" - {o.strength.replace('_', ' ')}, evidence {o.evidence.scheme} {o.evidence.level}"
    lines = [head]
    if avoid:
        lines.append(f"Why not: {o.reason or o.recommendation} {_cite(o.references, numbers)}".rstrip())
    else:
        lines.append(f"{o.recommendation} {_cite(o.references, numbers)}".rstrip())
    if o.because:
        lines.append("_Because: " + "; ".join(_because(b) for b in o.because) + "._")
    lines += [f"_Note: {c}_" for c in o.caveats]
    return "  \n   ".join(lines)


def _clinician(result: Result) -> list[Block]:
    plan = result.plan
    numbers = _cites(result)
    blocks = [Block("heading", f"Tumour board decision support: {result.case_id or 'case'}", level=1)]
    if plan is None:
        blocks.append(Block("para", "No plan: the knowledge base was not applied."))
        return blocks
    if result.review_status != "approved":
        blocks.append(Block("banner", BANNER))
    top = plan.options[0] if plan.options else None
    if top is not None:
        where = f" for lesion {top.lesion}" if top.lesion else ""
        lead = _modality(top) or top.title
        first = _first_sentences(top.recommendation)
        bottom = (f"**Bottom line:** {lead[:1].upper() + lead[1:]}{where} ({top.strength.replace('_', ' ')}). "
                  f"{first[:1].upper() + first[1:]} {_cite(top.references, numbers)}")
    else:
        bottom = "**Bottom line:** no knowledge-base recommendation applies to the facts recorded; see missing inputs."
    blocks.append(Block("para", bottom.rstrip()))
    if plan.warnings:
        blocks.append(Block("heading", SECTION_TITLES["warnings"]))
        blocks.append(Block("bullets", items=[
            f"**URGENT: {w.title}**{' (lesion ' + w.lesion + ')' if w.lesion else ''}. "
            f"{_first_sentences(w.recommendation)} {_cite(w.references, numbers)}".rstrip()
            for w in plan.warnings]))
    if result.inputs_from_text:
        blocks.append(Block("heading", "Inputs taken from the text (confirm each before use)", level=3))
        blocks.append(Block("bullets", items=[
            f"`{f['path']}` = {_value(f.get('value'))} - \"{f.get('snippet', '')}\" (rule {f.get('rule', '?')})"
            for f in result.inputs_from_text]))
    if result.conversions:
        blocks.append(Block("heading", "Unit conversions made", level=3))
        blocks.append(Block("bullets", items=list(result.conversions)))
    blocks.append(Block("heading", SECTION_TITLES["assessment"]))
    if result.scores:
        rows = [["Score", "Lesion", "Value", "Band", "What it means here"]]
        for r in result.scores.values():
            band = r.band or ("undetermined: " + " / ".join(r.possible_bands) if r.possible_bands else "")
            rows.append([f"{r.name} {_cite(r.references, numbers)}".strip(), r.lesion or "", _score_value(r), band,
                         r.interpretation])
        blocks.append(Block("table", rows=rows))
    if plan.assessment:
        blocks.append(Block("bullets", items=[
            f"**{a.title}**{' (' + a.lesion + ')' if a.lesion else ''}: {a.recommendation} "
            f"{_cite(a.references, numbers)}".rstrip() for a in plan.assessment]))
    if plan.missing:
        blocks.append(Block("heading", "Missing inputs that could change the plan", level=3))
        blocks.append(Block("bullets", items=[_missing_line(m) for m in plan.missing]))
    elif result.missing:
        blocks.append(Block("heading", "Missing inputs", level=3))
        blocks.append(Block("bullets", items=[f"`{m}`" for m in result.missing]))
    for section in ("treatment", "avoid", "special_considerations", "supportive"):
        items = plan.avoid if section == "avoid" else [o for o in plan.options if o.section == section]
        if not items:
            continue
        blocks.append(Block("heading", SECTION_TITLES[section]))
        kind: Literal["numbered", "bullets"] = "numbered" if section == "treatment" else "bullets"
        blocks.append(Block(kind, items=[_option_item(o, numbers, avoid=section == "avoid") for o in items]))
    for section, items in (("monitoring", plan.monitoring), ("pitfalls", plan.pitfalls)):
        if items:
            blocks.append(Block("heading", SECTION_TITLES[section]))
            blocks.append(Block("bullets", items=[
                f"**{o.title}**{' (' + o.lesion + ')' if o.lesion else ''}: {o.recommendation} "
                f"{_cite(o.references, numbers)}".rstrip() for o in items]))
    if result.references:
        blocks.append(Block("heading", SECTION_TITLES["references"]))
        blocks.append(Block("numbered", items=[_reference(r) for r in result.references]))
    blocks.append(Block("rule"))
    kb = result.knowledge_base
    footer = f"_{result.disclaimer}_"
    if kb is not None:
        footer += f" Knowledge base {kb.version} ({kb.statements} statements); engine {result.engine_version}."
    footer += f" Ranking: {plan.ranking}" if plan.ranking else ""
    blocks.append(Block("para", footer))
    return blocks


def _reference(r: Any) -> str:
    ids = [f"PMID {r.pmid}" if r.pmid else "", f"DOI {r.doi}" if r.doi else "", r.url if not (r.pmid or r.doi) and
           r.url else ""]
    ident = "; ".join(i for i in ids if i)
    flag = "verified" if r.verified else "not yet verified"
    return f"{r.citation} ({r.type.replace('_', ' ')}, {r.year or 'n.d.'}{'; ' + ident if ident else ''}; {flag})"


# --- patient report ------------------------------------------------------------------------------------------------

PLAIN_FIELDS: dict[str, str] = {
    "primary.histology": "the exact type of tumour (from a tissue sample)",
    "primary.site": "where the cancer started",
    "patient.fit_for_surgery": "whether you are well enough for surgery",
    "patient.ecog": "how active you are day to day",
    "patient.kps": "how active you are day to day",
    "patient.life_expectancy_months": "the team's view of how the illness may progress",
    "patient.age_years": "your age",
    "escc_grade": "how much the tumour presses on the spinal cord (from an MRI)",
    "structures": "which parts of the bone are affected (from scans)",
    "pain_character": "what your pain is like",
    "pain.character": "what your pain is like",
    "neurology.myelopathy": "whether the nerves in the spine are affected",
    "neurology.frankel": "your strength and feeling in your legs",
    "prior_radiotherapy.dose_gy": "any radiation you had there before",
    "history.prior_radiotherapy_same_site": "any radiation you had there before",
    "disease.visceral_metastases": "whether the cancer has spread to organs such as the lungs or liver",
    "disease.visceral_pattern": "whether the cancer has spread to organs such as the lungs or liver",
    "disease.visceral_sites": "whether the cancer has spread to organs such as the lungs or liver",
    "disease.skeletal_metastases": "how many bones are affected",
    "disease.extraspinal_bone_metastases": "how many bones are affected",
    "disease.vertebral_body_metastases": "how many bones are affected",
    "history.prior_chemotherapy": "the cancer treatments you have had",
    "history.systemic_lines": "the cancer treatments you have had",
    "prior_surgery": "any surgery you had there before",
    "alignment": "how stable the bone is (from scans)",
    "collapse": "how stable the bone is (from scans)",
    "posterolateral": "how stable the bone is (from scans)",
    "bone_lesion": "how stable the bone is (from scans)",
    "neurology.asia": "your strength and feeling in your legs",
    "neurology.cauda_equina_syndrome": "whether you have numbness or problems with bladder or bowel",
    "neurology.bladder_bowel_dysfunction": "whether you have numbness or problems with bladder or bowel",
    "neurology.radiculopathy": "whether you have nerve pain down an arm or leg",
    "pain.neuropathic": "what your pain is like",
    "pain.severity_nrs": "how bad your pain is",
    "primary.biomarkers": "test results on the tumour tissue",
    "labs": "blood test results",
}


def _plain_field(path: str) -> str:
    if path in PLAIN_FIELDS:
        return PLAIN_FIELDS[path]
    parts = path.split(".")
    for n in (2, 1):
        tail = ".".join(parts[-n:])
        if tail in PLAIN_FIELDS:
            return PLAIN_FIELDS[tail]
    for n in (2, 1):
        head = ".".join(parts[:n])
        if head in PLAIN_FIELDS:
            return PLAIN_FIELDS[head]
    return "other details from your medical records"


def _patient(result: Result) -> list[Block]:
    plan = result.plan
    blocks = [Block("heading", "Your care plan: what your team may talk about with you", level=1)]
    if result.review_status != "approved":
        blocks.append(Block("banner", PATIENT_BANNER))
    if plan is None or not (plan.options or plan.warnings):
        blocks.append(Block("para", "There is not yet enough information to suggest a plan. Your team will gather "
                                    "what is missing."))
    if plan is None:
        return blocks
    if plan.warnings:
        blocks.append(Block("heading", "Urgent"))
        blocks.append(Block("bullets", items=[w.plain_language or w.title for w in plan.warnings]))
    if plan.options:
        top = plan.options[0]
        blocks.append(Block("heading", "The main suggestion"))
        blocks.append(Block("para", f"{PLAIN_MODALITY.get(top.modality or '', top.title).capitalize()}. "
                                    f"{top.plain_language}"))
        others = plan.options[1:]
        if others:
            blocks.append(Block("heading", "Other parts of the plan"))
            blocks.append(Block("bullets", items=[
                f"**{PLAIN_MODALITY.get(o.modality or '', o.title).capitalize()}**: {o.plain_language}"
                for o in others]))
    if plan.avoid:
        blocks.append(Block("heading", "What is best avoided for you"))
        blocks.append(Block("bullets", items=[
            f"**{PLAIN_MODALITY.get(o.modality or '', o.title).capitalize()}**: it is not advised in your situation."
            for o in plan.avoid]))
    if plan.monitoring:
        blocks.append(Block("heading", "Check-ups"))
        blocks.append(Block("bullets", items=[o.plain_language or o.title for o in plan.monitoring]))
    if plan.missing:
        wanted = list(dict.fromkeys(_plain_field(m.field) for m in plan.missing))
        if "other details from your medical records" in wanted:  # keep the catch-all last
            wanted.remove("other details from your medical records")
            wanted.append("other details from your medical records")
        blocks.append(Block("heading", "Information that could change the plan"))
        blocks.append(Block("bullets", items=wanted))
    blocks.append(Block("heading", "Questions you may want to ask"))
    blocks.append(Block("bullets", items=[
        "What is the goal of each treatment: to control the tumour, to ease pain, or both?",
        "What are the side effects, and how long is recovery?",
        "What happens if I wait or choose not to have a treatment?",
    ]))
    blocks.append(Block("rule"))
    blocks.append(Block("para", f"_{PATIENT_DISCLAIMER}_"))
    return blocks


def _blocks(result: Result, audience: Audience) -> list[Block]:
    return _patient(result) if audience == "patient" else _clinician(result)


def markdown_report(result: Result, audience: Audience = "clinician") -> str:
    """The report as Markdown."""
    return _md(_blocks(result, audience))


def text_report(result: Result, audience: Audience = "clinician") -> str:
    """The report as plain text (wrapped at 100 columns)."""
    return _txt(_blocks(result, audience))
