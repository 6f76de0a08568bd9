"""``extract(text) -> Extraction``: the case, every fact with its span and rule, and the conflicts."""

from __future__ import annotations

import re
import warnings
from typing import Any

from pydantic import ValidationError

from tumorboard.model.case import Case
from tumorboard.model.provenance import Conflict, ExtractedFact, Extraction
from tumorboard.text import levels as lv
from tumorboard.text.guard import DEFAULT_MAX_CHARS, as_text, check_size, looks_binary, looks_non_english
from tumorboard.text.lesions import LesionBuilder, assemble, escc_from_cues
from tumorboard.text.mentions import Mention, chunks, from_doc, parser

SARCOMA_SITES = {"soft_tissue", "bone_sarcoma_other", "osteosarcoma"}
STATUS_PRIORITY = ["progressive", "recurrent", "responding", "stable"]
LIST_PATHS = {"disease.visceral_sites", "history.systemic_lines"}
LABEL = "from text: confirm before use"


def _fact(path: str, value: Any, m: Mention | None, text: str, rule: str | None = None) -> ExtractedFact:
    if m is None:
        return ExtractedFact(path=path, value=value, rule=rule or "derived")
    return ExtractedFact(
        path=path,
        value=value,
        start=m.start,
        end=m.end,
        snippet=text[m.start : m.end],
        rule=rule or m.rule_id,
        modifiers=list(m.modifiers),
    )


def _unmapped(m: Mention, reason: str, text: str) -> dict[str, Any]:
    return {
        "rule": m.rule_id,
        "category": m.category,
        "start": m.start,
        "end": m.end,
        "snippet": text[m.start : m.end],
        "modifiers": list(m.modifiers),
        "reason": reason,
    }


def _global_facts(m: Mention) -> list[tuple[str, Any]]:
    meta = m.meta
    if meta.get("anchor") or m.category in ("HISTOLOGY", "PRIMARY", "CELL_TYPE"):
        return []
    req = meta.get("requires")
    if req and not re.search(req, m.sent_text, re.IGNORECASE):
        return []
    path = meta.get("path", "")
    if m.negated:
        if path and not path.startswith("lesion.") and "negated" in meta:
            return [(path, meta["negated"])]
        if meta.get("negated_parser"):
            return parser(meta["negated_parser"])(m.text, m.sent_text)
        return []
    if path and not path.startswith("lesion."):
        return [(path, meta["value"])] if "value" in meta else []
    if meta.get("parser"):
        return [(p, v) for p, v in parser(meta["parser"])(m.text, m.sent_text) if not p.startswith("lesion.")]
    return []


class _Collector:
    """Facts by path, with the scalar conflicts found when the case is built."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.facts: list[ExtractedFact] = []
        self.by_path: dict[str, list[ExtractedFact]] = {}

    def add(self, path: str, value: Any, m: Mention | None, rule: str | None = None) -> None:
        f = _fact(path, value, m, self.text, rule)
        self.facts.append(f)
        self.by_path.setdefault(path, []).append(f)

    def add_span(self, path: str, value: Any, start: int, end: int, rule: str) -> None:
        f = ExtractedFact(path=path, value=value, start=start, end=end, snippet=self.text[start:end], rule=rule)
        self.facts.append(f)
        self.by_path.setdefault(path, []).append(f)


def _resolve(col: _Collector, conflicts: list[Conflict]) -> dict[str, Any]:
    """One value per path; disagreeing mentions become a conflict and the path stays unset."""
    values: dict[str, Any] = {}
    for path, facts in col.by_path.items():
        if path in LIST_PATHS or path.endswith(".structures"):
            seen: list[Any] = []
            for f in facts:
                if f.value not in seen:
                    seen.append(f.value)
            values[path] = seen
            continue
        if path.endswith(".levels"):
            allv: set[str] = set()
            for f in facts:
                allv.update(f.value)
            values[path] = lv.sort_levels(allv)
            continue
        distinct: list[Any] = []
        for f in facts:
            if f.value not in distinct:
                distinct.append(f.value)
        if path == "primary.status":
            values[path] = min(distinct, key=STATUS_PRIORITY.index)
        elif len(distinct) == 1:
            values[path] = distinct[0]
        else:
            conflicts.append(
                Conflict(
                    path=path,
                    values=distinct,
                    facts=facts,
                    note="mentions disagree; left unset for the clinician to resolve",
                )
            )
    return values


def _histology(mentions: list[Mention], col: _Collector, conflicts: list[Conflict], text: str) -> None:
    sites: list[tuple[int, str, Mention]] = []
    hist: list[tuple[int, str, Mention]] = []
    for m in mentions:
        if m.category not in ("HISTOLOGY", "PRIMARY", "CELL_TYPE") or m.excluded or m.negated:
            continue
        meta = m.meta
        if meta.get("site"):
            rank = 3 if meta["site"] in SARCOMA_SITES and m.category == "HISTOLOGY" else meta.get("site_rank", 1)
            sites.append((rank, meta["site"], m))
        if meta.get("histology"):
            hist.append((meta.get("rank", 0), meta["histology"], m))
        if m.category == "PRIMARY" and re.search(r"adeno", m.text, re.IGNORECASE):
            hist.append((2, "adenocarcinoma", m))
        if m.category == "PRIMARY" and re.search(r"squamous", m.text, re.IGNORECASE):
            hist.append((2, "squamous cell carcinoma", m))
    if sites:
        top = max(r for r, _, _ in sites)
        best = [(s, m) for r, s, m in sites if r == top]
        distinct = list(dict.fromkeys(s for s, _ in best))
        for s, m in best:
            col.add("primary.site", s, m)
        if len(distinct) > 1:
            col.by_path.pop("primary.site", None)
            conflicts.append(
                Conflict(
                    path="primary.site",
                    values=distinct,
                    facts=[f for f in col.facts if f.path == "primary.site"],
                    note="more than one primary site named; left unset",
                )
            )
    if hist:
        sarcoma = any(s in SARCOMA_SITES for _, s, _ in sites)
        if sarcoma:
            hist = [
                h
                for h in hist
                if "_" in h[1]
                or h[1]
                in {
                    "gist",
                    "mpnst",
                    "chordoma",
                    "chondrosarcoma",
                    "pecoma",
                    "desmoid",
                    "myxofibrosarcoma",
                    "angiosarcoma",
                    "leiomyosarcoma",
                    "rhabdomyosarcoma",
                }
            ]
        if hist:
            top = max(r for r, _, _ in hist)
            for r, h, m in hist:
                if r == top:
                    col.add("primary.histology", h, m)


def _lesion_facts(lesions: list[LesionBuilder], col: _Collector, conflicts: list[Conflict]) -> None:
    for i, le in enumerate(lesions):
        base = f"lesions.{i}"
        if le.levels:
            for m in le.level_mentions:
                levels, _ = lv.parse_range(m.text)
                levels = [x for x in levels if x in le.levels]
                if levels:
                    col.add(f"{base}.levels", levels, m)
            col.add(f"{base}.region", lv.region_of(sorted(le.levels)), le.level_mentions[0], rule="levels:region")
        elif le.region:
            col.add(f"{base}.region", le.region, le.region_mention)
        sides = {s for s, _ in le.sides}
        if sides:
            if "bilateral" in sides:
                col.add(f"{base}.side", "bilateral", next(m for s, m in le.sides if s == "bilateral"))
            elif len(sides) == 1:
                for side, m in le.sides:
                    col.add(f"{base}.side", side, m)
            else:
                conflicts.append(
                    Conflict(
                        path=f"{base}.side",
                        values=sorted(sides),
                        facts=[_fact(f"{base}.side", s, m, col.text) for s, m in le.sides],
                        note="left and right both named for this lesion; left unset",
                    )
                )
        explicit = le.values.pop("escc_grade", [])
        if explicit:
            for v, m in explicit:
                col.add(f"{base}.escc_grade", v, m)
        else:
            grade, used = escc_from_cues(le.cues)
            if grade is not None:
                for m in used[:3]:
                    col.add(f"{base}.escc_grade", grade, m, rule="lesion:escc description")
        for key, items in le.values.items():
            for v, m in items:
                col.add(f"{base}.{key}", v, m)
        if any(k == "epidural" and p for k, p, _ in le.cues):
            m = next(m for k, p, m in le.cues if k == "epidural" and p)
            col.add(f"{base}.structures", "epidural_space", m)


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = d
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def _build_case(values: dict[str, Any], notes: list[str]) -> Case:
    data: dict[str, Any] = {"lesions": []}
    for path, value in values.items():
        if path.startswith("lesions."):
            _, idx, rest = path.split(".", 2)
            while len(data["lesions"]) <= int(idx):
                data["lesions"].append({})
            _set(data["lesions"][int(idx)], rest, value)
        else:
            _set(data, path, value)
    for _ in range(20):
        try:
            return Case.model_validate(data)
        except ValidationError as err:
            e = err.errors()[0]
            loc = [str(x) for x in e["loc"]]
            notes.append(f"dropped {'.'.join(loc)}: {e['msg']}")
            cur: Any = data
            for k in e["loc"][:-1]:
                cur = cur[k]
            del cur[e["loc"][-1]]
    return Case()


def extract(text: str | bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> Extraction:
    """Extract a case from a clinical note. Facts from text are labelled and must be confirmed by a clinician.

    Raises ``TextTooLarge`` when the input exceeds ``max_chars``.
    """
    raw, notes = as_text(text)
    check_size(raw, max_chars)
    if not raw.strip():
        return Extraction(case=Case(), notes=["empty input: nothing to extract"])
    if looks_binary(raw):
        return Extraction(case=Case(), notes=["the input does not look like text (binary data); nothing extracted"])
    if looks_non_english(raw):
        return Extraction(case=Case(), notes=["the note does not look English (English rules only); nothing extracted"])
    from tumorboard.text.pipeline import get_pipeline

    nlp = get_pipeline()
    mentions: list[Mention] = []
    sentences: list[tuple[int, str]] = []
    n_sents = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # medspaCy's empty phrase matcher (W036)
        for offset, block in chunks(raw):
            doc = nlp(block)
            mentions.extend(from_doc(doc, offset, n_sents))
            sentences.extend((offset + s.start_char, s.text) for s in doc.sents)
            n_sents += sum(1 for _ in doc.sents)
    col = _Collector(raw)
    conflicts: list[Conflict] = []
    unmapped: list[dict[str, Any]] = []
    for m in mentions:
        reason = m.excluded
        if reason:
            unmapped.append(_unmapped(m, reason, raw))
            continue
        facts = _global_facts(m)
        if m.negated and not facts and not m.meta.get("anchor") and not m.meta.get("path", "").startswith("lesion."):
            unmapped.append(_unmapped(m, "negated", raw))
        for path, value in facts:
            col.add(path, value, m)
    _drug_lookup(sentences, mentions, col)
    _histology(mentions, col, conflicts, raw)
    lesions, loose = assemble(mentions, raw)
    for m in loose:
        unmapped.append(_unmapped(m, "no lesion to attach to", raw))
    _lesion_facts(lesions, col, conflicts)
    _derive(col, lesions)
    values = _resolve(col, conflicts)
    case = _build_case(values, notes)
    if not col.facts:
        notes.append("no clinical content recognised")
    else:
        notes.append(f"{len(col.facts)} facts extracted from text ({LABEL})")
    return Extraction(case=case, facts=col.facts, conflicts=conflicts, notes=notes, unmapped=unmapped)


_FUTURE = re.compile(r"\b(?:plan\w*|consider\w*|will|would|should|candidate|option|if)\b", re.IGNORECASE)


def _drug_lookup(sentences: list[tuple[int, str]], mentions: list[Mention], col: _Collector) -> None:
    """Drug names the rules do not list, via drug-named-entity-recognition (lazy)."""
    from tumorboard.text.prior_treatment import is_cytotoxic, lookup_drugs

    for start, sent in sentences:
        if sent.rstrip().endswith("?") or _FUTURE.search(sent):
            continue
        taken = [(m.start - start, m.end - start) for m in mentions if start <= m.start < start + len(sent)]
        for g, s, e in lookup_drugs(sent, taken):
            col.add_span(
                "history.systemic_lines", g, start + s, start + e, "prior_treatment:drug-named-entity-recognition"
            )
            if is_cytotoxic(g):
                col.add_span(
                    "history.prior_chemotherapy",
                    True,
                    start + s,
                    start + e,
                    "prior_treatment:drug-named-entity-recognition",
                )


def _derive(col: _Collector, lesions: list[LesionBuilder]) -> None:
    """Values implied by others: prior chemotherapy from a cytotoxic line, multiple bone lesions."""
    if len(lesions) >= 2 and "disease.skeletal_metastases" not in col.by_path:
        col.add("disease.skeletal_metastases", "multiple", None, rule="derived:two or more bone lesions")
