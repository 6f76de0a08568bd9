"""Lesion assembly: level and bone-site anchors become lesions; structures, character, collapse, ESCC, side and prior
treatment attach to the lesion they are written about (same sentence, else the lesion last named)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tumorboard.text import levels as lv
from tumorboard.text.mentions import Mention, parser

Facts = list[tuple[str, object]]
ESCC_ORDER = ["0", "1a", "1b", "1c", "2", "3"]
# a level followed or preceded by these words is a reference (dermatome, root, disc, instrumentation), not a lesion
_REF_AFTER = re.compile(
    r"^[\s,]*(?:\w+\s+)?(?:neural\s+|exit(?:ing)?\s+|intervertebral\s+)?(?:foram\w*|neuroforam\w*|discs?|radicul\w*|"
    r"nerve|roots?|dermatom\w*|myotom\w*|distribution|level\b|degenerative|(?:spondylo)?listhesis|"
    r"(?:posterior\s+)?(?:stabili[sz]ation|fixation|instrumentation|fusion))",
    re.IGNORECASE,
)
_REF_BEFORE = re.compile(
    r"(?:sensory\s+level|degenerative\s+\w+(?:\s+\w+)?|level|(?:subluxation|listhesis|translation)\s+(?:at|between|of))"
    r"\s*(?:at|of)?\s*$",
    re.IGNORECASE,
)
_STOP = {"and", "or", "with", "of", "to", "in", "at", "from", "into", "the", "a", "an"}
_FORAMEN_AFTER = re.compile(r"^[\s,]*(?:\w+\s+)?(?:neural\s+)?(?:foram\w*|neuroforam\w*)", re.IGNORECASE)
_SIDE_WORD = re.compile(r"\b(left|right|bilateral(?:ly)?|both)(?:-sided)?\b", re.IGNORECASE)
_SIDE_AFTER = re.compile(r"^\s*(?:\w+\s+){0,3}?(?:on\s+the\s+(left|right)|(bilaterally))\b", re.IGNORECASE)
_LESION_WORD = re.compile(
    r"\b(?:lesion|metastasis|met|deposit|mass|focus|uptake|destruction|fracture|disease|recurrence|plasmacytoma)\b"
    r"|\b(?:metastatic|metastasi[sz]ed|spread)\s+(?:\w+\s+){0,3}?to\b",  # "metastatic LMS to the sacrum"
    re.IGNORECASE,
)


@dataclass
class LesionBuilder:
    """A lesion being assembled, with the mentions behind each value."""

    levels: set[str] = field(default_factory=set)
    region: str | None = None
    region_mention: Mention | None = None
    level_mentions: list[Mention] = field(default_factory=list)
    sides: list[tuple[str, Mention]] = field(default_factory=list)
    values: dict[str, list[tuple[Any, Mention]]] = field(default_factory=dict)
    cues: list[tuple[str, bool, Mention]] = field(default_factory=list)

    def add(self, path: str, value: Any, m: Mention) -> None:
        self.values.setdefault(path, []).append((value, m))

    @property
    def spinal(self) -> bool:
        return bool(self.levels)


def collapse(text: str, sentence: str = "") -> Facts:
    """``30% loss of height`` -> lt50; ``>50% collapse`` / ``70% height loss`` -> gt50."""
    m = re.search(r"(\d{1,3})\s*%", text)
    if not m:
        return []
    pct = int(m.group(1))
    low = text.lower()
    if "less than" in low or "<" in low:
        return [("lesion.collapse", "lt50")] if pct <= 50 else []
    if "more than" in low or ">" in low:
        return [("lesion.collapse", "gt50")] if pct >= 50 else []
    if pct > 50:
        return [("lesion.collapse", "gt50")]
    if 0 < pct < 50:
        return [("lesion.collapse", "lt50")]
    return []


def escc_explicit(text: str, sentence: str = "") -> Facts:
    """``ESCC 1c``, ``Bilsky grade 2``."""
    m = re.search(r"(0|1\s*[abc]|2|3)\s*$", text.strip(), re.IGNORECASE)
    return [("lesion.escc_grade", re.sub(r"\s+", "", m.group(1).lower()))] if m else []


def side_of(m: Mention, doc_text: str) -> str | None:
    """Laterality written next to a mention: ``right S1-3``, ``left-sided``, ``on the left``, ``bilaterally``."""
    before = doc_text[max(m.sent_start, m.start - 40) : m.start]
    words = re.findall(r"[\w-]+", before)[-3:]
    for w in reversed(words):
        s = _SIDE_WORD.fullmatch(w.lower().replace("-sided", ""))
        if s:
            return _norm_side(s.group(1))
        if w.lower() in _STOP:
            break
    after = doc_text[m.end : min(m.end + 40, m.sent_start + len(m.sent_text))]
    a = _SIDE_AFTER.search(after)
    if a:
        return _norm_side(a.group(1) or a.group(2))
    return None


def _norm_side(word: str) -> str:
    w = word.lower()
    return "bilateral" if w.startswith("bilateral") or w == "both" else w


def _is_reference(m: Mention, doc_text: str) -> tuple[bool, bool]:
    """(reference, foramen): a level named for a root, dermatome, disc, foramen or instrumentation."""
    after = doc_text[m.end : m.end + 40]
    before = doc_text[max(m.sent_start, m.start - 30) : m.start]
    foramen = bool(_FORAMEN_AFTER.match(after))
    return bool(_REF_AFTER.match(after) or _REF_BEFORE.search(before)), foramen


def _primary_context(m: Mention, same_sentence: list[Mention], doc_text: str) -> bool:
    """A bone named as the primary's site: ``osteosarcoma of the left distal femur``."""
    for p in same_sentence:
        if p.category in ("HISTOLOGY", "PRIMARY") and p.end <= m.start:
            between = doc_text[p.end : m.start]
            if len(between) <= 30 and re.search(r"\b(?:of|arising\s+from|in)\b", between):
                return True
    return False


def assemble(mentions: list[Mention], doc_text: str) -> tuple[list[LesionBuilder], list[Mention]]:
    """Lesions from the mentions (text order); returns the lesions and the lesion-scoped mentions left unattached."""
    lesions: list[LesionBuilder] = []
    current: LesionBuilder | None = None
    pending: list[tuple[str, Any, Mention]] = []
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sent, []).append(m)

    def new_lesion() -> LesionBuilder:
        le = LesionBuilder()
        lesions.append(le)
        for path, value, pm in pending:
            _apply(le, path, value, pm)
        pending.clear()
        return le

    for sent_id in sorted(by_sent):
        ms = sorted(by_sent[sent_id], key=lambda x: x.start)
        anchors: list[tuple[Mention, LesionBuilder]] = []
        for m in ms:
            if m.meta.get("anchor") == "level":
                if m.excluded:
                    continue
                levels, interspace = lv.parse_range(m.text)
                if not levels:
                    continue
                reference, foramen = _is_reference(m, doc_text)
                reference = reference or (interspace and foramen) or m.negated
                target = next((le for le in lesions if le.levels & set(levels)), None)
                if target is None:
                    same = [le for a, le in anchors if le.spinal and a.meta.get("anchor") == "level"]
                    target = next(
                        (le for le in same if lv.contiguous(le.levels, set(levels)) and _joined(doc_text, le, m)), None
                    )
                if target is None and levels[0].startswith("S"):
                    target = next((le for le in lesions if le.region == "sacrum" and not le.levels), None)
                if target is None:
                    if reference and not (foramen and not lesions and not m.negated):
                        continue
                    target = new_lesion()
                if not reference or not target.levels:
                    target.levels.update(levels)
                target.level_mentions.append(m)
                side = side_of(m, doc_text)
                if side and not reference:
                    target.sides.append((side, m))
                anchors.append((m, target))
                current = target
            elif m.meta.get("anchor") == "bone":
                if m.excluded or m.negated or _primary_context(m, ms, doc_text) or _imaging_header(m, doc_text):
                    continue
                region = m.meta["region"]
                side = side_of(m, doc_text)
                target = None
                pelvic = {"pelvis", "acetabulum", "sacrum"}
                prior_in_sent = [
                    le for a, le in anchors if le.region in pelvic or any(x.startswith("S") for x in le.levels)
                ]
                if region in pelvic and prior_in_sent:
                    target = prior_in_sent[-1]
                if target is None:
                    for le in lesions:
                        same_region = le.region == region or (
                            region in pelvic and le.region in pelvic and region != "sacrum" and le.region != "sacrum"
                        )
                        if region == "sacrum" and (le.region == "sacrum" or any(x.startswith("S") for x in le.levels)):
                            same_region = True
                        sides = {s for s, _ in le.sides}
                        if same_region and (side is None or not sides or side in sides):
                            target = le
                            break
                if target is None:
                    if side is None and not _singular_lesion(m):
                        continue
                    target = new_lesion()
                    target.region = region
                    target.region_mention = m
                if m.meta.get("structure"):
                    target.add("structures", m.meta["structure"], m)
                if side:
                    target.sides.append((side, m))
                anchors.append((m, target))
                current = target
        for m in ms:
            if m.meta.get("anchor"):
                continue
            facts = lesion_facts(m)
            if not facts and not m.meta.get("escc_cue"):
                continue
            if m.excluded:
                continue
            targets = _targets(m, anchors, current)
            for path, value in facts:
                if targets:
                    for t in targets:
                        _apply(t, path, value, m)
                else:
                    pending.append((path, value, m))
            if m.meta.get("escc_cue"):
                for t in targets:
                    t.cues.append((m.meta["escc_cue"], not m.negated, m))
                if not targets:
                    pending.append(("cue:" + m.meta["escc_cue"], not m.negated, m))
            if m.category in ("STRUCTURE", "EPIDURAL") and not m.negated:
                side = side_of(m, doc_text)
                for t in targets:
                    if side:
                        t.sides.append((side, m))
    return lesions, [pm for _, _, pm in pending]


_MODALITY = re.compile(
    r"\b(?:MRI|CT|PET(?:-CT)?|XR|x-?ray|radiograph\w*|scan|imaging)\s+(?:\w+\s+){0,3}$", re.IGNORECASE
)


def _imaging_header(m: Mention, doc_text: str) -> bool:
    """``MRI pelvis and sacrum:``: a bone named as the field of an examination."""
    return bool(_MODALITY.search(doc_text[max(m.sent_start, m.start - 30) : m.start]))


def _singular_lesion(m: Mention) -> bool:
    return bool(_LESION_WORD.search(m.sent_text))


def _joined(doc_text: str, le: LesionBuilder, m: Mention) -> bool:
    """Two level mentions joined by ``and``/``,``/``to`` only (``L1 and L2 metastases``)."""
    last = le.level_mentions[-1] if le.level_mentions else None
    if last is None or last.sent != m.sent:
        return False
    between = doc_text[last.end : m.start]
    return bool(re.fullmatch(r"\s*(?:,|and|&|,\s*and|to)\s*", between, re.IGNORECASE))


def _targets(
    m: Mention, anchors: list[tuple[Mention, LesionBuilder]], current: LesionBuilder | None
) -> list[LesionBuilder]:
    if not anchors:
        return [current] if current is not None else []
    before = [(a, le) for a, le in anchors if a.start <= m.start]
    if not before:
        if m.meta.get("attach") == "sentence_start":
            out: list[LesionBuilder] = []
            for _, le in anchors:
                if le not in out:
                    out.append(le)
            return out
        return [anchors[0][1]]
    return [before[-1][1]]


def lesion_facts(m: Mention) -> Facts:
    """Lesion-scoped (path, value) pairs of a mention, without the ``lesion.`` prefix; negation applied."""
    meta = m.meta
    path = meta.get("path", "")
    if m.negated:
        if path.startswith("lesion.") and "negated" in meta:
            return [(path[len("lesion.") :], meta["negated"])]
        return []
    if m.category == "STRUCTURE" and meta.get("soft_tissue"):
        return [("structures", meta["value"]), ("soft_tissue_extension", True)]
    if path.startswith("lesion."):
        return [(path[len("lesion.") :], meta["value"])]
    if meta.get("parser", "").startswith(("lesions.", "prior_treatment.rt")):
        return [
            (p[len("lesion.") :], v) for p, v in parser(meta["parser"])(m.text, m.sent_text) if p.startswith("lesion.")
        ]
    if m.category == "STRUCTURE" and meta.get("soft_tissue"):
        return [("structures", meta["value"]), ("soft_tissue_extension", True)]
    return []


def _apply(le: LesionBuilder, path: str, value: Any, m: Mention) -> None:
    if path.startswith("cue:"):
        le.cues.append((path[4:], bool(value), m))
    else:
        le.add(path, value, m)


def escc_from_cues(cues: list[tuple[str, bool, Mention]]) -> tuple[str | None, list[Mention]]:
    """Bilsky grade from the description: compression without CSF 3, with CSF 2, cord abutment 1c, thecal sac
    deformity 1b, no epidural disease 0. Cord compression without CSF detail gives no grade."""
    by_sent: dict[int, list[tuple[str, bool, Mention]]] = {}
    for c in cues:
        by_sent.setdefault(c[2].sent, []).append(c)
    best: str | None = None
    used: list[Mention] = []
    blocked = False
    negative_epidural: list[Mention] = []
    positive = False
    for items in by_sent.values():
        pos = {k for k, p, _ in items if p}
        grade = None
        if "compression" in pos:
            blocked = True
            if "csf_absent" in pos:
                grade = "3"
            elif "csf_present" in pos:
                grade = "2"
        elif "abutment" in pos:
            grade = "1c"
        elif "thecal_sac" in pos:
            grade = "1b"
        if pos & {"compression", "abutment", "thecal_sac", "epidural"}:
            positive = True
        for k, p, m in items:
            if (k == "epidural" and not p) or k == "epidural_none":
                negative_epidural.append(m)
        if grade and (best is None or ESCC_ORDER.index(grade) > ESCC_ORDER.index(best)):
            best = grade
            used = [m for _, _, m in items]
    if best is None and blocked:
        return None, []
    if best is None and negative_epidural and not positive:
        return "0", negative_epidural
    return best, used
