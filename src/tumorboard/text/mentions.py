"""Mentions: target-matcher entities with their rule, sentence and ConText status."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

MODIFIER_NAMES = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "possible",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "FAMILY": "family",
}
# current-state facts: a historical mention of these is not a current finding
CURRENT_ONLY = {"MYELOPATHY", "RADICULOPATHY", "CES", "SPHINCTER", "PATH_FRACTURE", "CORD_COMPRESSION", "CORD_ABUT",
                "THECAL_SAC", "STATUS", "PAIN_CHAR", "AMBULATORY"}


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
    return getattr(importlib.import_module(f"tumorboard.text.{mod}"), func)


def from_doc(doc: Any) -> list[Mention]:
    """Mentions of a processed doc, in text order."""
    sents = list(doc.sents)
    index = {s.start: i for i, s in enumerate(sents)}
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
        out.append(Mention(category=ent.label_, rule=rule.literal, meta=meta, start=ent.start_char,
                           end=ent.end_char, text=ent.text, sent=index.get(sent.start, 0), sent_start=sent.start_char,
                           sent_text=sent_text, modifiers=mods, question=sent_text.rstrip().endswith("?")))
    return out
