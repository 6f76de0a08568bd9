"""Question understanding: does the question describe a patient (a case answer from the engine's plan) or ask about
a topic (an answer from retrieved statements)? Decided from the facts the text pipeline extracts, which are shown
in the answer. Without the text pipeline every question is a topic question.

Also: follow-up questions ("What if she had prior radiotherapy to the sacrum?") are recognised and their facts
merged into the conversation's case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tumorboard.model.case import Case

PATIENT_CUE = re.compile(
    r"\b(?:\d{1,3}\s?(?:-?\s?(?:year|yr|month|week)s?[- ]old|yo|y/o|y\.o\.|years?)|\d{1,3}\s?[MF]\b|"
    r"(?:a|the|this|our|my)\s+(?:patient|pt|man|woman|lady|gentleman|boy|girl|child|baby|infant|teenager)|"
    r"patient\s+(?:with|has|had|who)|pt\s+with|(?:man|woman|boy|girl|male|female)\s+with|"
    r"\b(?:he|she)\s+(?:has|had|is|was)|\bhis\b|\bher\b|my\s+(?:mum|mom|mother|dad|father|wife|husband|son|"
    r"daughter|sister|brother|partner))",
    re.I,
)
FOLLOW_UP = re.compile(
    r"^\s*(?:(?:and\s+)?what\s+if|and\s+if|suppose|supposing|assume|assuming|(?:but\s+)?if\s+(?:she|he|they|the "
    r"patient)|what\s+about\s+if|what\s+would\s+change\s+if|would\s+it\s+change\s+if|same\s+(?:patient|case))\b",
    re.I,
)

# How an extracted path is shown (clinician wording; patient wording in PLAIN).
LABELS: dict[str, str] = {
    "patient.age_years": "age (years)", "patient.sex": "sex", "patient.ecog": "ECOG", "patient.kps": "KPS",
    "patient.fit_for_surgery": "fit for surgery", "patient.ambulatory": "walking",
    "primary.site": "primary site", "primary.histology": "histology", "primary.status": "disease status",
    "history.prior_radiotherapy_same_site": "prior radiotherapy to the same site",
    "history.prior_chemotherapy": "prior chemotherapy",
}


@dataclass
class Understanding:
    kind: str  # "case" | "topic"
    # (a case needs disease facts: demographics alone, as in "an 80 year old with high cholesterol", are not a case)
    case: Case | None
    facts: list[tuple[str, Any]] = field(default_factory=list)  # (path, value) as extracted
    follow_up: bool = False
    extractor: str = "none"  # "text" (tumorboard.text) or "none"
    reason: str = ""


def flatten(case: Case) -> list[tuple[str, Any]]:
    """The known facts of a case as (path, value) pairs, lesions addressed by position."""
    data = case.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
    data.pop("format", None)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
            for i, x in enumerate(node):
                walk(f"{prefix}.{i}", x)
        elif node not in (None, [], {}):
            out.append((prefix, node))

    walk("", data)
    return out


_EXTRACT_FAILED = False


PRIOR_RT = re.compile(
    r"\b(?:prior|previous(?:ly)?|earlier|already\s+had|had\s+had|had)\s+(?:\w+\s+){0,2}?(?:radiotherapy|radiation|"
    r"rt|irradiation|sbrt|ebrt|cebrt|srs)\b|\b(?:previously|already|been|was)\s+irradiated\b|\bre-?irradiat\w*|"
    r"\birradiated\s+before\b|\b(?:radiotherapy|radiation|rt)\s+(?:to\s+(?:the\s+)?\w+\s+)?before\b",
    re.I,
)
NEGATED_RT = re.compile(r"\b(?:no|never|without|not)\s+(?:\w+\s+){0,2}?(?:prior|previous|radiotherapy|radiation|rt|"
                        r"irradiat\w*)\b|\bradiotherapy[- ]naive\b|\bnot\s+(?:been\s+)?irradiated\b", re.I)
NOT_FIT = re.compile(r"\b(?:not|un)\s*fit\s+for\s+(?:surgery|an\s+operation)|\binoperable\b|\bnot\s+(?:a\s+)?"
                     r"(?:surgical\s+candidate|suitable\s+for\s+surgery|operable)|\bunfit\b", re.I)
FIT = re.compile(r"\bfit\s+for\s+surgery\b|\bsurgical\s+candidate\b|\boperable\b", re.I)
HYPOTHETICAL = re.compile(r"^\s*(?:(?:and|but)\s+)?(?:what\s+(?:about\s+)?if|if|suppose|supposing|assume|assuming|"
                          r"what\s+would\s+change\s+if|would\s+it\s+change\s+if)\s+", re.I)


def supplement(text: str, case: Case | None) -> Case | None:
    """Facts the text pipeline does not extract yet that matter for follow-ups: prior radiotherapy to the site
    and fitness for surgery (each only when the pipeline left it unknown)."""
    data = case.model_dump(exclude_none=True, mode="json") if case is not None else {}
    changed = False
    hist = data.setdefault("history", {})
    if hist.get("prior_radiotherapy_same_site") is None and PRIOR_RT.search(text):
        hist["prior_radiotherapy_same_site"] = not NEGATED_RT.search(text)
        changed = True
    pat = data.setdefault("patient", {})
    if pat.get("fit_for_surgery") is None:
        if NOT_FIT.search(text):
            pat["fit_for_surgery"], changed = False, True
        elif FIT.search(text):
            pat["fit_for_surgery"], changed = True, True
    if not changed:
        return case
    try:
        return Case.model_validate(data)
    except Exception:
        return case


def extract_case(text: str) -> tuple[Case | None, str]:
    """The case the text pipeline extracts from ``text`` (None without the pipeline)."""
    global _EXTRACT_FAILED
    if _EXTRACT_FAILED:
        return None, "none"
    try:
        from tumorboard.text import extract
    except Exception:
        _EXTRACT_FAILED = True
        return None, "none"
    try:
        case = extract(HYPOTHETICAL.sub("", text)).case
    except Exception:  # an extraction error degrades to a topic answer
        return None, "none"
    return supplement(text, case), "text"


def _groups(facts: list[tuple[str, Any]]) -> set[str]:
    groups: set[str] = set()
    for path, _ in facts:
        head = path.split(".")[0]
        if head == "lesions":
            leaf = path.split(".")[-1]
            groups.add("lesion_detail" if leaf in ("levels", "side", "structures", "escc_grade", "bone_lesion",
                                                   "prior_radiotherapy", "cortical_fraction") else "lesion")
        elif path in ("primary.status", "primary.local_recurrence"):
            groups.add("status")
        elif head == "primary":
            groups.add("primary")
        else:
            groups.add(head)
    return groups


def decide(question: str, case: Case | None, extractor: str) -> Understanding:
    if case is None:
        return Understanding("topic", None, [], extractor=extractor, reason="no facts extracted")
    facts = flatten(case)
    groups = _groups(facts)
    patient = bool(PATIENT_CUE.search(question))
    clinical = groups - {"preferences", "patient"}
    if patient and clinical:
        why = "a patient is described with clinical facts"
    elif "lesion_detail" in groups and groups & {"primary", "status", "history", "patient", "neurology", "disease"}:
        why = "a located lesion with other facts"
    elif "primary" in groups and "status" in groups and groups & {"lesion", "lesion_detail", "disease", "history"}:
        why = "histology, disease status and disease sites"
    elif len(clinical) >= 3:
        why = "several groups of clinical facts"
    else:
        return Understanding("topic", None, facts, extractor=extractor, reason="no patient described")
    return Understanding("case", case, facts, extractor=extractor, reason=why)


def understand(question: str) -> Understanding:
    case, extractor = extract_case(question)
    return decide(question, case, extractor)


def is_follow_up(question: str) -> bool:
    return bool(FOLLOW_UP.search(question))


def _merge(base: Any, new: Any) -> Any:
    if isinstance(base, dict) and isinstance(new, dict):
        out = dict(base)
        for k, v in new.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return new


def merge_cases(previous: Case, change: Case) -> Case:
    """``previous`` with the facts of ``change`` laid over it; a lesion of ``change`` updates the lesion of the same
    region (or the only lesion) rather than adding one."""
    prev = previous.model_dump(exclude_none=True, mode="json")
    new = change.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
    new.pop("format", None)
    new_lesions = new.pop("lesions", [])
    merged = _merge(prev, new)
    lesions = list(merged.get("lesions", []))
    for nl in new_lesions:
        target = None
        for i, ol in enumerate(lesions):
            if nl.get("region") is None or ol.get("region") == nl.get("region"):
                target = i
                break
        if target is None and len(lesions) == 1 and nl.get("region") is None:
            target = 0
        if target is None:
            lesions.append(nl)
        else:
            lesions[target] = _merge(lesions[target], nl)
    merged["lesions"] = lesions
    return Case.model_validate(merged)
