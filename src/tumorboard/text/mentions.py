"""Mentions: target-matcher entities with their rule, sentence and ConText status."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MODIFIER_NAMES = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "possible",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "FAMILY": "family",
}
# current-state facts: a historical mention of these is not a current finding
CURRENT_ONLY = {
    "MYELOPATHY",
    "RADICULOPATHY",
    "CES",
    "SPHINCTER",
    "PATH_FRACTURE",
    "CORD_COMPRESSION",
    "CORD_ABUT",
    "THECAL_SAC",
    "STATUS",
    "PAIN_CHAR",
    "AMBULATORY",
}


@dataclass
class Mention:
    """One matched span."""

    category: str
    rule: str
    meta: dict[str, Any]
    start: int
    end: int
    text: str
    sent: int
    sent_start: int
    sent_text: str
    modifiers: list[str] = field(default_factory=list)
    question: bool = False

    @property
    def negated(self) -> bool:
        return "negated" in self.modifiers

    @property
    def excluded(self) -> str | None:
        """Why the mention may not become a positive fact (family, hypothetical, possible, historical), if so."""
        if self.meta.get("context") is False:
            return "question" if self.meta.get("treatment") and self.question else None
        for m in ("family", "hypothetical", "possible"):
            if m in self.modifiers:
                return m
        if "historical" in self.modifiers and self.category in CURRENT_ONLY:
            return "historical"
        if self.meta.get("treatment") and self.question:
            return "question"
        return None

    @property
    def rule_id(self) -> str:
        return f"{self.meta.get('family', 'rule')}:{self.rule}"


def parser(name: str) -> Callable[[str, str], list[tuple[str, Any]]]:
    """``module.function`` of a rule family inside ``tumorboard.text``."""
    mod, func = name.split(".")
    fn: Callable[[str, str], list[tuple[str, Any]]] = getattr(importlib.import_module(f"tumorboard.text.{mod}"), func)
    return fn


def chunks(text: str, size: int = 4000) -> list[tuple[int, str]]:
    """(offset, block) pieces of at most about ``size`` characters, cut at line breaks, else after a full stop.

    Long inputs are processed block by block: spaCy's entity bookkeeping grows quadratically with the entities of
    one doc."""
    out: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut == -1:
                cut = text.rfind(". ", start + size // 2, end)
                cut = cut + 1 if cut != -1 else -1
            if cut != -1:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def from_doc(doc: Any, offset: int = 0, sent_offset: int = 0) -> list[Mention]:
    """Mentions of a processed doc, in text order; ``offset`` places a block's spans in the whole text."""
    sents = list(doc.sents)
    index = {s.start: i + sent_offset for i, s in enumerate(sents)}
    out: list[Mention] = []
    for ent in doc.ents:
        rule = ent._.target_rule
        sent = ent.sent
        mods = []
        if rule is None:
            continue
        meta = dict(rule.metadata or {})
        if meta.get("context") is not False:
            for mod in ent._.modifiers:
                name = MODIFIER_NAMES.get(mod.category)
                if name and name not in mods:
                    mods.append(name)
        sent_text = sent.text
        text = ent.text.rstrip(" .,;:)(\n")
        lead = len(text) - len(text.lstrip(" ,;:("))
        text = text[lead:]
        if not text:
            continue
        start = ent.start_char + lead + offset
        out.append(
            Mention(
                category=ent.label_,
                rule=rule.literal,
                meta=meta,
                start=start,
                end=start + len(text),
                text=text,
                sent=index.get(sent.start, sent_offset),
                sent_start=sent.start_char + offset,
                sent_text=sent_text,
                modifiers=mods,
                question=sent_text.rstrip().endswith("?"),
            )
        )
    return out
