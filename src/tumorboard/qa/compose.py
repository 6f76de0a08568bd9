"""The composer: retrieved statements (topic answers) or the engine's plan (case answers) into an :class:`Answer`.

Nothing is written that does not come from the knowledge base: each sentence is a sentence of a statement (clinician
or plain-language text, or the engine's filled recommendation) and carries the numbers of that statement's
references. A statement whose references do not resolve is left out. Only titles and notes (which carry no clinical
claim) are the composer's own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tumorboard.qa.answer import Answer, Audience, Change, Fact, Item, ReferenceEntry, Section, Sentence
from tumorboard.qa.corpus import Corpus, StatementDoc, fill_generic
from tumorboard.qa.index import Retrieval
from tumorboard.qa.understand import LABELS
from tumorboard.qa.userdocs import Chunk

SECTION_ORDER = ("urgent", "assessment", "treatment", "question", "special_considerations", "supportive", "monitoring",
                 "pitfalls", "avoid", "user")
TITLES = {
    "clinician": {
        "urgent": "Urgent", "assessment": "Assessment", "treatment": "Treatment",
        "question": "On the question asked (found from its wording; the case lacks the inputs to confirm they apply)",
        "special_considerations": "Special considerations", "supportive": "Supportive care",
        "monitoring": "Monitoring", "pitfalls": "Pitfalls", "avoid": "Not recommended",
        "user": "From your documents (user-supplied, not part of the knowledge base)",
    },
    "patient": {
        "urgent": "Needs attention now", "assessment": "Understanding your situation", "treatment": "Treatment choices",
        "question": "More about your question (it may or may not apply to you: ask your team)",
        "special_considerations": "Special situations", "supportive": "Comfort and support",
        "monitoring": "Check-ups", "pitfalls": "Things to watch out for", "avoid": "What is not advised",
        "user": "From documents you added (not part of the knowledge base)",
    },
}
ABBREV_END = re.compile(r"(?:\b(?:e\.g|i\.e|vs|al|approx|cf|ca|Dr|Fig|No|St|incl)\.|\b[A-Z]\.)$")
SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
MAX_TOPIC_ITEMS = 6


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SPLIT.split(text.strip()) if p.strip()]
    out: list[str] = []
    for p in parts:
        if out and ABBREV_END.search(out[-1]):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


class Citer:
    """Numbers references in order of first citation; only references that resolve get a number."""

    def __init__(self, corpus: Corpus, chunks: dict[str, Chunk]) -> None:
        self.corpus = corpus
        self.chunks = chunks
        self.numbers: dict[str, int] = {}
        self.entries: list[ReferenceEntry] = []

    def cite(self, ref_ids: list[str] | tuple[str, ...]) -> list[int]:
        nums = []
        for rid in ref_ids:
            if rid not in self.numbers:
                r = self.corpus.references.get(rid)
                if r is None:
                    continue
                n = len(self.entries) + 1
                self.numbers[rid] = n
                self.entries.append(ReferenceEntry(number=n, id=r.id, citation=r.citation, type=r.type, year=r.year,
                                                   pmid=r.pmid, doi=r.doi, url=r.url, verified=r.verified))
            nums.append(self.numbers[rid])
        return sorted(set(nums))

    def cite_chunk(self, chunk: Chunk) -> list[int]:
        key = f"user:{chunk.source}#{chunk.page}"
        if key not in self.numbers:
            n = len(self.entries) + 1
            self.numbers[key] = n
            self.entries.append(ReferenceEntry(number=n, id=key, citation=chunk.title, type="user-supplied",
                                               user_supplied=True, source=chunk.source, page=chunk.page))
        return [self.numbers[key]]

    def resolvable(self, ref_ids: list[str] | tuple[str, ...]) -> bool:
        return any(r in self.corpus.references for r in ref_ids)


def _item(title: str, sid: str, text: str, refs: list[int], *, number: int | None = None,
          strength: str | None = None, evidence: str | None = None, status: str | None = None,
          lesion: str | None = None) -> Item:
    sents = [Sentence(text=s[:1].upper() + s[1:], statements=[sid], references=refs, item=number)
             for s in sentences(text)]
    return Item(number=number, title=title, statement=sid, strength=strength, evidence=evidence,
                review_status=status, lesion=lesion, sentences=sents)


def statement_item(s: StatementDoc, audience: Audience, citer: Citer, *, text: str | None = None,
                   number: int | None = None, lesion: str | None = None) -> Item | None:
    if not citer.resolvable(s.references):
        return None
    refs = citer.cite(s.references)
    if text is None:
        text = s.plain_language if audience == "patient" else fill_generic(s.statement)
    if audience == "clinician" and s.strength == "not_recommended" and s.avoid_reason and s.avoid_reason not in text:
        text = f"{text} {fill_generic(s.avoid_reason)}"
    return _item("" if audience == "patient" else s.title, s.id, text, refs, number=number, strength=s.strength,
                 evidence=s.evidence, status=s.review_status, lesion=lesion)


def _section_key(s: StatementDoc) -> str:
    if s.strength == "not_recommended":
        return "avoid"
    if s.urgency == "emergency" and s.section in ("treatment", "supportive"):
        return "urgent"
    return s.section if s.section in SECTION_ORDER else "treatment"


def _sections(grouped: dict[str, list[Item]], audience: Audience) -> list[Section]:
    out = []
    for key in SECTION_ORDER:
        items = grouped.get(key) or []
        if not items:
            continue
        numbered = key in ("treatment", "urgent")
        if numbered:
            for i, it in enumerate(items, 1):
                it.number = i
                for s in it.sentences:
                    s.item = i
        out.append(Section(key=key, title=TITLES[audience][key], numbered=numbered, items=items))
    return out


def banner(statuses: list[str]) -> str:
    if not statuses:
        return ""
    draft = sum(1 for s in statuses if s != "approved")
    if draft == 0:
        return "Review status: every statement used is approved by a named clinician."
    return (f"Review status: {draft} of {len(statuses)} statements used are not yet approved by a clinician "
            "(draft or under review); treat them as unreviewed content.")


def _bottom_line(sections: list[Section]) -> list[Sentence]:
    for key in ("urgent", "treatment", "assessment", "supportive", "special_considerations", "monitoring", "pitfalls",
                "avoid"):
        for sec in sections:
            if sec.key == key and sec.items and sec.items[0].sentences:
                first = sec.items[0].sentences[0]
                return [first.model_copy(update={"item": None})]
    return []


def select_units(retrieval: Retrieval, corpus: Corpus, limit: int = MAX_TOPIC_ITEMS) -> list[str]:
    """The hits a topic answer uses: the best ``limit`` units scoring at least half the top score (at least 3)."""
    if not retrieval.hits:
        return []
    top = retrieval.hits[0].score
    out: list[str] = []
    for i, h in enumerate(retrieval.hits):
        if len(out) >= limit:
            break
        if h.kind == "statement" and h.target not in corpus.statements:
            continue
        if i >= 3 and h.score < 0.5 * top:
            break
        out.append(h.key)
    return out


def compose_topic(question: str, retrieval: Retrieval, corpus: Corpus, chunks: dict[str, Chunk],
                  audience: Audience, disclaimer: str) -> Answer:
    citer = Citer(corpus, chunks)
    grouped: dict[str, list[Item]] = {}
    statuses: list[str] = []
    for key in select_units(retrieval, corpus):
        if key.startswith("s:"):
            s = corpus.statements[key[2:]]
            it = statement_item(s, audience, citer)
            if it is None:
                continue
            statuses.append(s.review_status)
            grouped.setdefault(_section_key(s), []).append(it)
        elif key.startswith("u:") and key[2:] in chunks:
            c = chunks[key[2:]]
            refs = citer.cite_chunk(c)
            text = " ".join(sentences(c.text)[:3])
            where = f"{c.title}" + (f", page {c.page}" if c.page else "")
            grouped.setdefault("user", []).append(_item(where, f"user:{c.id}", text, refs))
    secs = _sections(grouped, audience)
    return Answer(kind="topic", question=question, audience=audience, title=_title(question),
                  bottom_line=_bottom_line(secs), sections=secs, references=citer.entries,
                  banner=banner(statuses), disclaimer=disclaimer)


def _title(question: str) -> str:
    q = " ".join(question.split()).rstrip("?. ")
    q = q[:1].upper() + q[1:]
    return q if len(q) <= 110 else q[:107].rstrip() + "..."


def facts_of(items: list[tuple[str, Any]], audience: Audience) -> list[Fact]:
    out = []
    for path, value in items:
        label = LABELS.get(path)
        if label is None:
            parts = path.split(".")
            if parts[0] == "lesions" and len(parts) >= 3:
                label = f"lesion {int(parts[1]) + 1} {parts[-1].replace('_', ' ')}"
            else:
                label = parts[-1].replace("_", " ")
        out.append(Fact(path=path, value=value, label=label))
    return out


# --- case answers from the engine's plan -------------------------------------------------------------------------


def compose_case(question: str, case: Any, result: Any, corpus: Corpus, chunks: dict[str, Chunk],
                 audience: Audience, disclaimer: str, related: Sequence[str] = ()) -> tuple[Answer, bool]:
    """The answer from the engine's plan; returns (answer, True), or (empty answer, False) when there is no plan.
    ``related``: statements retrieved for the question's wording that the plan does not hold and whose conditions
    the case leaves undecided (not false); they form the section "On the question asked", labelled as such."""
    plan = getattr(result, "plan", None)
    citer = Citer(corpus, chunks)
    grouped: dict[str, list[Item]] = {}
    statuses: list[str] = []
    if plan is None:
        return Answer(kind="case", question=question, title=_title(question), disclaimer=disclaimer), False
    # assessment: the scores the case determines (with a resolvable source), then assessment statements
    undetermined: list[str] = []
    for sr in (getattr(result, "scores", None) or {}).values():
        refs = [r for r in (sr.references or []) if r in corpus.references]
        if not refs or not sr.interpretation:
            continue
        if not sr.determinate or sr.band is None:
            undetermined.append(sr.name)
            continue
        value = f"{sr.value} " if isinstance(sr.value, int | float) else ""
        text = f"{sr.name}: {value}({sr.band.replace('_', ' ')}). {sr.interpretation}"
        grouped.setdefault("assessment", []).append(
            _item(sr.name if audience == "clinician" else "", f"score:{sr.key}", text, citer.cite(refs),
                  lesion=sr.lesion))
    seen: set[tuple[str, str | None]] = set()

    def add(opts: list[Any], default_key: str | None) -> None:
        for o in opts:
            if (o.statement, o.lesion) in seen:
                continue
            seen.add((o.statement, o.lesion))
            s = corpus.statements.get(o.statement)
            refs_ok = [r for r in o.references if r in corpus.references]
            if not refs_ok:
                continue
            if audience == "patient":
                text = o.plain_language or (s.plain_language if s else "")
            else:
                text = o.recommendation
                if default_key == "avoid" and o.reason and o.reason not in text:
                    text = f"{text} {o.reason}"
            if not text:
                continue
            key = default_key or (o.section if o.section in SECTION_ORDER else "treatment")
            statuses.append(o.review_status)
            grouped.setdefault(key, []).append(
                _item("" if audience == "patient" else o.title, o.statement, text, citer.cite(refs_ok),
                      strength=o.strength, evidence=f"{o.evidence.scheme} {o.evidence.level}",
                      status=o.review_status, lesion=o.lesion))

    add(plan.warnings, "urgent")
    add(plan.assessment, "assessment")
    add(sorted(plan.options, key=lambda o: (o.rank if o.rank is not None else 10**6)), None)
    add(plan.monitoring, "monitoring")
    add(plan.pitfalls, "pitfalls")
    add(plan.avoid, "avoid")
    held = {sid for sid, _ in seen}
    for sid in related:
        st = corpus.statements.get(sid)
        if st is None or sid in held or st.strength == "not_recommended":
            continue
        it = statement_item(st, audience, citer)
        if it is not None:
            statuses.append(st.review_status)
            grouped.setdefault("question", []).append(it)
    secs = _sections(grouped, audience)
    notes = []
    if undetermined and audience == "clinician":
        notes.append("Scores the question does not determine (inputs missing): " + ", ".join(undetermined) + ".")
    if plan.missing:
        notes.append("Missing inputs that could change the plan: " + ", ".join(m.field for m in plan.missing[:12]))
    ans = Answer(kind="case", question=question, audience=audience, title=_title(question),
                 bottom_line=_bottom_line(secs), sections=secs, references=citer.entries, banner=banner(statuses),
                 notes=notes, disclaimer=disclaimer)
    return ans, True


def plan_changes(before: Answer, after: Answer) -> list[Change]:
    """What changed between two case answers: options added or removed, per section."""
    def items(a: Answer) -> dict[tuple[str, str], str]:
        return {(sec.key, it.statement): (it.title or (it.sentences[0].text if it.sentences else it.statement))
                for sec in a.sections for it in sec.items if not it.statement.startswith("score:")}

    b, a = items(before), items(after)
    out: list[Change] = []
    for (sec, sid), title in a.items():
        if (sec, sid) not in b:
            out.append(Change(kind="added", text=f"Added ({TITLES['clinician'][sec].lower()}): {title}", statement=sid))
    for (sec, sid), title in b.items():
        if (sec, sid) not in a:
            out.append(Change(kind="removed", text=f"Removed ({TITLES['clinician'][sec].lower()}): {title}",
                              statement=sid))
    return out
