"""The answer: sections like a tumour-board answer, every sentence carrying the statements it comes from and the
numbers of the references that support it, and renderers for Markdown, text and JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["case", "topic", "not_covered"]
Audience = Literal["clinician", "patient"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Sentence(_M):
    text: str
    statements: list[str] = Field(default_factory=list)  # knowledge-base statement ids ("user:<chunk>" for documents)
    references: list[int] = Field(default_factory=list)  # numbers into Answer.references
    item: int | None = None  # the numbered item the sentence belongs to (treatment options)


class Item(_M):
    number: int | None = None
    title: str
    statement: str  # statement id, or "user:<chunk id>"
    strength: str | None = None
    evidence: str | None = None
    review_status: str | None = None
    lesion: str | None = None
    sentences: list[Sentence] = Field(default_factory=list)


class Section(_M):
    key: str
    title: str
    numbered: bool = False
    items: list[Item] = Field(default_factory=list)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for it in self.items for s in it.sentences]


class ReferenceEntry(_M):
    number: int
    id: str
    citation: str
    type: str
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    verified: bool = False
    user_supplied: bool = False
    source: str | None = None
    page: int | None = None


class Fact(_M):
    path: str
    value: Any
    label: str


class Change(_M):
    kind: Literal["added", "removed", "fact"]
    text: str
    statement: str | None = None


class Answer(_M):
    kind: Kind
    question: str
    audience: Audience = "clinician"
    title: str
    case: dict[str, Any] | None = None
    facts: list[Fact] = Field(default_factory=list)
    bottom_line: list[Sentence] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    references: list[ReferenceEntry] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    nearest_topics: list[str] = Field(default_factory=list)
    banner: str = ""
    notes: list[str] = Field(default_factory=list)
    disclaimer: str = ""
    retrieval: dict[str, Any] = Field(default_factory=dict)
    conversation_id: str | None = None

    def all_sentences(self) -> list[Sentence]:
        return [*self.bottom_line, *(s for sec in self.sections for s in sec.sentences)]

    def statement_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.all_sentences():
            for sid in s.statements:
                seen.setdefault(sid, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        for sec, raw in zip(self.sections, data["sections"], strict=True):
            raw["sentences"] = [s.model_dump(mode="json") for s in sec.sentences]
        return data


def _cites(nums: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in nums) + "]" if nums else ""


def _sentence_text(s: Sentence) -> str:
    c = _cites(s.references)
    return f"{s.text} {c}" if c else s.text


def render_markdown(a: Answer) -> str:
    out = [f"# {a.title}", ""]
    if a.banner:
        out += [f"> {a.banner}", ""]
    if a.kind == "not_covered":
        out += [n for n in a.notes] + [""]
        if a.nearest_topics:
            out += ["**Nearest topics in the knowledge base:**", ""] + [f"- {t}" for t in a.nearest_topics] + [""]
        out += [f"_{a.disclaimer}_", ""]
        return "\n".join(out)
    if a.facts:
        head = "What we understood" if a.audience == "patient" else "Extracted facts"
        out += [f"**{head}:** " + "; ".join(f"{f.label}: {_fmt(f.value)}" for f in a.facts), ""]
    if a.changes:
        out += ["## What changed", ""] + [f"- {c.text}" for c in a.changes] + [""]
    if a.bottom_line:
        out += ["## Bottom line", "", " ".join(_sentence_text(s) for s in a.bottom_line), ""]
    for sec in a.sections:
        if not sec.items:
            continue
        out += [f"## {sec.title}", ""]
        for it in sec.items:
            body = " ".join(_sentence_text(s) for s in it.sentences)
            meta = ""
            if a.audience == "clinician" and it.strength:
                meta = f" _({it.strength.replace('_', ' ')}; {it.evidence})_" if it.evidence else f" _({it.strength})_"
            lead = f"**{it.title}.** " if it.title else ""
            prefix = f"{it.number}. " if sec.numbered and it.number else "- "
            out.append(f"{prefix}{lead}{body}{meta}")
        out.append("")
    if a.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in a.notes] + [""]
    if a.references:
        out += ["## References", ""]
        for r in a.references:
            out.append(f"{r.number}. {_ref_line(r)}")
        out.append("")
    out += [f"_{a.disclaimer}_", ""]
    return "\n".join(out)


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(str(x).replace("_", " ") for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v).replace("_", " ")


def _ref_line(r: ReferenceEntry) -> str:
    if r.user_supplied:
        page = f", page {r.page}" if r.page else ""
        return f"{r.citation} (user-supplied source: {r.source}{page})"
    ids = "; ".join(x for x in (f"PMID {r.pmid}" if r.pmid else "", f"doi:{r.doi}" if r.doi else "",
                                r.url or "" if not (r.pmid or r.doi) else "") if x)
    year = f", {r.year}" if r.year else ""
    unverified = "" if r.verified else " (citation not yet verified)"
    return f"{r.citation} [{r.type.replace('_', ' ')}{year}]" + (f" {ids}" if ids else "") + unverified


def render_text(a: Answer) -> str:
    md = render_markdown(a)
    lines = []
    for ln in md.splitlines():
        ln = ln.replace("**", "").replace("_(", "(").replace(")_", ")")
        if ln.startswith("# "):
            ln = ln[2:].upper()
        elif ln.startswith("## "):
            ln = ln[3:]
            lines.append("")
            lines.append(ln)
            lines.append("-" * len(ln))
            continue
        elif ln.startswith("> "):
            ln = ln[2:]
        elif ln.startswith("_") and ln.endswith("_"):
            ln = ln[1:-1]
        lines.append(ln)
    return "\n".join(lines).strip() + "\n"
