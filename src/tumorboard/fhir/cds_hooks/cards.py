"""CDS Hooks 2.0 cards from an assessment: the plan's warnings, the plan itself, and checks of draft orders.

A card's ``summary`` is one sentence under 140 characters; ``indicator`` is info, warning or critical (critical
only for a plan warning about cord compression in a patient with a neurological deficit); ``source`` names the
guideline behind the statement; ``detail`` (Markdown) gives the rationale for this patient and the references;
``links`` open the full report; ``suggestions`` create or remove an order where one can be made.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tumorboard.fhir import codes
from tumorboard.model.case import Case
from tumorboard.model.provenance import Extraction
from tumorboard.model.result import Option, ReferenceOut, Result

NON_ADHERENCE = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
OVERRIDE_REASONS = [
    {"system": NON_ADHERENCE, "code": "cds-not-applicable", "display": "Advice not applicable to this patient"},
    {"system": NON_ADHERENCE, "code": "recipient-disagrees-evidence", "display": "Disagrees with the evidence"},
    {"system": NON_ADHERENCE, "code": "patient-contraindication", "display": "Patient contraindication"},
    {"system": NON_ADHERENCE, "code": "does-not-align-preferences", "display": "Not in line with patient preferences"},
    {"system": NON_ADHERENCE, "code": "patient-refuses", "display": "Patient refuses"},
    {"system": NON_ADHERENCE, "code": "action-completed", "display": "Already done"},
]
TUMORBOARD = "tumorboard"
TOPIC_SYSTEM = "https://tumorboard.org/fhir/CodeSystem/plan-section"
CRITICAL_URGENCY = {"emergency", "immediate", "urgent", "same_day", "same-day"}
CORD = re.compile(r"cord|mscc|escc|compression|cauda", re.I)
SUMMARY_MAX = 139
DISCLAIMER = ("*Decision support for qualified clinicians; it does not replace clinical judgement or a "
              "multidisciplinary tumour board. Check every input and source.*")


@dataclass
class CardContext:
    result: Result
    case: Case
    extraction: Extraction | None = None
    report_url: str | None = None
    auth_note: str | None = None
    patient_ref: str | None = None
    fetched: list[str] = field(default_factory=list)


def short(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:") + "…"


def _refs(result: Result) -> dict[str, ReferenceOut]:
    return {r.id: r for r in result.references}


def ref_url(ref: ReferenceOut) -> str | None:
    if ref.doi:
        return f"https://doi.org/{ref.doi}"
    if ref.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"
    return ref.url


def source_label(ref: ReferenceOut) -> str:
    """``First author et al. Title (year)`` from a Vancouver-style citation, for a card's source label."""
    parts = [p.strip() for p in ref.citation.split(". ") if p.strip()]
    if len(parts) < 2:
        return short(ref.citation, 120)
    first = parts[0].split(",")[0].strip()
    etal = " et al." if "," in parts[0] or "et al" in parts[0] else ""
    year = f" ({ref.year})" if ref.year else ""
    return short(f"{first}{etal} {short(parts[1].rstrip('.'), 90)}{year}", 120)


def source_for(option: Option | None, ctx: CardContext) -> dict[str, Any]:
    """The guideline or primary source behind a statement (the first reference), else the knowledge base."""
    refs = _refs(ctx.result)
    for rid in option.references if option else []:
        ref = refs.get(rid)
        if ref is not None:
            src: dict[str, Any] = {"label": source_label(ref)}
            url = ref_url(ref)
            if url:
                src["url"] = url
            if option is not None:
                src["topic"] = {"system": TOPIC_SYSTEM, "code": option.section or "treatment",
                                "display": option.section or "treatment"}
            return src
    kb = ctx.result.knowledge_base
    return {"label": f"tumorboard knowledge base {kb.version}" if kb else "tumorboard (scores only)"}


def neuro_deficit(case: Case) -> bool:
    n = case.neurology
    return bool((n.frankel and n.frankel != "E") or (n.asia and n.asia != "E") or n.myelopathy
                or n.cauda_equina_syndrome or n.bladder_bowel_dysfunction
                or (n.complete_deficit_hours is not None) or (n.motor_deficit_days is not None))


def is_critical(option: Option, case: Case) -> bool:
    """A plan warning about cord compression (or cauda equina) in a patient with a neurological deficit."""
    topic = getattr(option, "topic", None)  # fields added by the engine's plan; absent in older results
    urgency = str(getattr(option, "urgency", None) or "").lower()
    text = " ".join(str(t) for t in (option.statement, option.title, topic, option.modality) if t)
    urgent = urgency in CRITICAL_URGENCY or option.modality == "urgent_spine_surgical_consultation"
    return bool(CORD.search(text) or urgent) and neuro_deficit(case)


def _because(option: Option) -> list[str]:
    out = []
    for b in option.because:
        if b.score:
            out.append(f"score {b.score}: {b.band if b.band is not None else b.value}")
        elif b.fact:
            out.append(f"`{b.fact}` = {b.value!r}" + (f" ({b.note})" if b.note else ""))
    return out


def _references_md(ids: list[str], ctx: CardContext) -> list[str]:
    refs = _refs(ctx.result)
    lines = []
    for i, rid in enumerate(ids, 1):
        ref = refs.get(rid)
        if ref is None:
            lines.append(f"{i}. {rid}")
            continue
        url = ref_url(ref)
        ident = f" PMID {ref.pmid}." if ref.pmid else ""
        lines.append(f"{i}. {ref.citation}{ident}" + (f" <{url}>" if url else ""))
    return lines


def _option_md(option: Option, ctx: CardContext) -> list[str]:
    where = f" at lesion {option.lesion}" if option.lesion else ""
    head = f"**{option.title or option.modality or option.statement}**{where} — {option.strength}, " \
           f"{option.evidence.scheme} {option.evidence.level} (statement `{option.statement}`, {option.review_status})"
    lines = [head, "", option.recommendation]
    if option.reason:
        lines += ["", f"Reason: {option.reason}"]
    why = _because(option)
    if why:
        lines += ["", "Why for this patient:", *[f"- {w}" for w in why]]
    if option.caveats:
        lines += ["", "Caveats:", *[f"- {c}" for c in option.caveats]]
    if option.references:
        lines += ["", "References:", *_references_md(option.references, ctx)]
    return lines


def _inputs_md(ctx: CardContext) -> list[str]:
    lines: list[str] = []
    ex = ctx.extraction
    if ex is not None:
        resources = sorted({f.resource for f in ex.facts if f.resource})
        lines.append(f"Inputs: {len(ex.facts)} values read from {len(resources)} EHR resources"
                     + (f" (fetched from the FHIR server: {', '.join(ctx.fetched)})" if ctx.fetched else "") + ".")
        if ex.unmapped:
            lines.append(f"Not mapped ({len(ex.unmapped)}): " + "; ".join(
                f"{u['resource']} {u['element']}" for u in ex.unmapped[:8]) + (" …" if len(ex.unmapped) > 8 else ""))
    missing = ctx.result.plan.missing if ctx.result.plan else []
    if missing:
        lines.append("Missing inputs that could change the plan: " + ", ".join(f"`{m.field}`" for m in missing[:10]))
    elif ctx.result.missing:
        lines.append("Missing inputs: " + ", ".join(f"`{m}`" for m in ctx.result.missing[:10]))
    if ctx.auth_note:
        lines.append(f"**{ctx.auth_note}**")
    return lines


def _scores_md(result: Result) -> list[str]:
    rows = []
    for key, s in result.scores.items():
        value = s.value if s.determinate else f"{s.min}–{s.max}" if s.min is not None else s.value
        where = f" ({s.lesion})" if s.lesion else ""
        rows.append(f"| {s.name}{where} | {value} | {s.band or ''} | {', '.join(s.missing[:3])} |")
        del key
    if not rows:
        return []
    return ["| Score | Value | Band | Missing |", "|---|---|---|---|", *rows]


def _links(ctx: CardContext) -> list[dict[str, Any]]:
    if not ctx.report_url:
        return []
    return [{"label": "Full tumorboard report (inputs, scores, plan, sources)", "url": ctx.report_url,
             "type": "absolute"}]


def _card(summary: str, indicator: str, source: dict[str, Any], detail: list[str], ctx: CardContext,
          **more: Any) -> dict[str, Any]:
    card: dict[str, Any] = {"uuid": str(uuid.uuid4()), "summary": short(summary), "indicator": indicator,
                            "source": source, "detail": "\n".join([*detail, "", *_inputs_md(ctx), "", DISCLAIMER])}
    links = _links(ctx)
    if links:
        card["links"] = links
    card["overrideReasons"] = OVERRIDE_REASONS
    card.update({k: v for k, v in more.items() if v})
    return card


# -- patient-view ----------------------------------------------------------------------------------------------
def patient_view(ctx: CardContext) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    plan = ctx.result.plan
    if plan is not None:
        for w in plan.warnings:
            indicator = "critical" if is_critical(w, ctx.case) else "warning"
            where = f" ({w.lesion})" if w.lesion else ""
            cards.append(_card(f"{w.title or w.recommendation}{where}", indicator, source_for(w, ctx),
                               _option_md(w, ctx), ctx))
    cards.append(plan_card(ctx))
    return cards


def plan_card(ctx: CardContext) -> dict[str, Any]:
    plan = ctx.result.plan
    if plan is None or not plan.options:
        scores = ", ".join(f"{s.key.upper()} {s.value if s.determinate else '?'} {s.band or ''}".strip()
                           for s in ctx.result.scores.values())
        summary = f"tumorboard scores: {scores}" if scores else "tumorboard: no score applies with the recorded data"
        detail = ["**Scores from the EHR record**", "", *_scores_md(ctx.result)]
        if plan is not None:
            detail += ["", "No treatment option of the knowledge base applies with the data recorded."]
        return _card(summary, "info", source_for(None, ctx), detail, ctx)
    top = plan.options[0]
    rest = len(plan.options) - 1
    where = f" for {top.lesion}" if top.lesion else ""
    summary = f"Tumour board plan: {top.title or top.modality}{where} ({top.strength})" + (
        f"; {rest} further option{'s' if rest != 1 else ''}" if rest else "")
    detail = ["**Ranked options**", ""]
    for o in plan.options:
        detail += [f"{o.rank or '-'}. " + _option_md(o, ctx)[0], ""]
    detail += ["**Top option in detail**", "", *_option_md(top, ctx)]
    if plan.avoid:
        detail += ["", "**Advised against**", *[f"- {a.title or a.modality}: {a.reason or a.recommendation}"
                                                for a in plan.avoid]]
    detail += ["", "**Scores**", "", *_scores_md(ctx.result)]
    suggestions = [s for s in (suggestion_for(o, ctx) for o in plan.options[:4]) if s]
    return _card(summary, "info", source_for(top, ctx), detail, ctx, suggestions=suggestions,
                 selectionBehavior="at-most-one" if suggestions else None)


@cache
def _orders() -> dict[str, Any]:
    return codes.load("orders")


def suggestion_for(option: Option, ctx: CardContext) -> dict[str, Any] | None:
    spec = _orders()["orderable"].get(option.modality or "")
    if not spec:
        return None
    subject = {"reference": ctx.patient_ref} if ctx.patient_ref else None
    note = [{"text": f"Proposed by tumorboard statement {option.statement}"
                     + (f" for lesion {option.lesion}" if option.lesion else "")}]
    if spec["resource"] == "MedicationRequest":
        resource: dict[str, Any] = {
            "resourceType": "MedicationRequest", "status": "draft", "intent": "proposal",
            "medicationCodeableConcept": {"coding": [{"system": codes.RXNORM, "code": spec["rxnorm"],
                                                      "display": spec["display"]}], "text": spec["text"]},
            "note": note}
    else:
        concept: dict[str, Any] = {"text": spec["text"]}
        if spec.get("snomed"):
            concept["coding"] = [{"system": codes.SNOMED, "code": spec["snomed"], "display": spec["text"]}]
        resource = {"resourceType": "ServiceRequest", "status": "draft", "intent": "proposal", "code": concept,
                    "note": note}
    if subject:
        resource["subject"] = subject
    return {"label": short(f"Order: {spec['text']}" + (f" ({option.lesion})" if option.lesion else ""), 80),
            "uuid": str(uuid.uuid4()), "isRecommended": option.rank == 1,
            "actions": [{"type": "create", "description": f"Create a draft order: {spec['text']}",
                         "resource": resource}]}


# -- order-select ----------------------------------------------------------------------------------------------
@dataclass
class DraftOrder:
    ref: str
    resource: dict[str, Any]
    modality: str | None
    text: str


def _concept_text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    parts = [str(concept.get("text") or "")] + [str(c.get("display") or "") for c in concept.get("coding") or []]
    return " ".join(p for p in parts if p)


def classify(resource: dict[str, Any], bundle_index: dict[str, dict[str, Any]] | None = None) -> DraftOrder:
    """The plan modality a draft order corresponds to (None when no map knows it)."""
    rtype = resource.get("resourceType")
    ref = f"{rtype}/{resource.get('id')}"
    maps = _orders()
    if rtype == "MedicationRequest":
        concept = resource.get("medicationCodeableConcept")
        med_ref = (resource.get("medicationReference") or {}).get("reference")
        if med_ref and bundle_index and med_ref in bundle_index:
            concept = bundle_index[med_ref].get("code")
        text = _concept_text(concept)
        match = None
        for c in (concept or {}).get("coding") or []:
            match = codes.medication(str(c.get("system", "")), str(c.get("code", "")))
            if match:
                break
        match = match or (codes.medication_by_name(text) if text else None)
        modality = maps["medication_class"].get(match.value["class"]) if match else None
        return DraftOrder(ref, resource, modality, match.value["name"] if match else text)
    concept = resource.get("code") or {}
    text = _concept_text(concept) + " " + " ".join(n.get("text", "") for n in resource.get("note") or [])
    text += " " + " ".join(_concept_text(o) for o in resource.get("orderDetail") or [])
    for pattern in maps["words"]:
        if re.search(pattern["pattern"], text, re.I):
            return DraftOrder(ref, resource, pattern["modality"], text.strip())
    for c in concept.get("coding") or []:
        if c.get("system") == codes.SNOMED and str(c.get("code")) in maps["snomed"]:
            return DraftOrder(ref, resource, maps["snomed"][str(c["code"])], text.strip())
    return DraftOrder(ref, resource, None, text.strip())


AGENT_SPECIFIC = {"chemotherapy", "targeted_therapy", "immunotherapy", "hormone_therapy", "corticosteroids"}


def order_matches(order: DraftOrder, option: Option) -> bool:
    """The order is this option: same modality, and for drugs whose options name agents, the same agent."""
    if order.modality not in (option.modality, *option.followed_by):
        return False
    if order.modality in AGENT_SPECIFIC and order.resource.get("resourceType") == "MedicationRequest":
        text = " ".join([option.statement, option.title, option.recommendation]).lower().replace("-", " ")
        return bool(order.text) and order.text.lower() in text
    return True


def order_select(ctx: CardContext, draft_orders: dict[str, Any], selections: list[str]) -> list[dict[str, Any]]:
    entries = [e.get("resource") for e in draft_orders.get("entry") or [] if isinstance(e, dict)]
    index = {f"{r.get('resourceType')}/{r.get('id')}": r for r in entries if isinstance(r, dict)}
    cards: list[dict[str, Any]] = []
    plan = ctx.result.plan
    if plan is None:
        return cards
    for sel in selections:
        res = index.get(sel)
        if res is None or res.get("resourceType") not in ("ServiceRequest", "MedicationRequest"):
            continue
        order = classify(res, index)
        if order.modality is None:
            continue
        against = [a for a in plan.avoid if order_matches(order, a)]
        matches = [o for o in plan.options if order_matches(order, o)]
        if against:
            a = against[0]
            where = f" at {a.lesion}" if a.lesion else ""
            summary = f"Plan advises against {a.title or a.modality}{where}: {a.reason or a.recommendation}"
            alternatives = [s for s in (suggestion_for(o, ctx) for o in plan.options[:3]) if s]
            remove = {"label": "Remove this order", "uuid": str(uuid.uuid4()),
                      "actions": [{"type": "delete", "description": f"Remove the draft order {sel}",
                                   "resourceId": sel}]}
            detail = [f"The draft order `{sel}` ({order.text}) corresponds to `{order.modality}`.", "",
                      *_option_md(a, ctx)]
            indicator = "critical" if is_critical(a, ctx.case) else "warning"
            cards.append(_card(summary, indicator, source_for(a, ctx), detail, ctx,
                               suggestions=[remove, *alternatives], selectionBehavior="at-most-one"))
        elif matches:
            o = matches[0]
            where = f" for {o.lesion}" if o.lesion else ""
            summary = f"Order matches plan option {o.rank or ''}: {o.title or o.modality}{where} ({o.strength})"
            detail = [f"The draft order `{sel}` ({order.text}) corresponds to `{order.modality}`.", "",
                      *_option_md(o, ctx)]
            cards.append(_card(summary.replace("option :", "option:"), "info", source_for(o, ctx), detail, ctx))
    return cards
