"""The knowledge base's scope, as data (``scope.yaml``): subjects it does not cover and anchors of those it does.

Retrieval scores cannot tell a question about an osteoporotic fracture or brain metastases from one about bone
metastases: the words are shared. A question naming an ``outside`` subject and none of the ``inside`` anchors is
refused, and the answer names the subject and the words that matched (transparency: the refusal is checkable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SCOPE_FILE = Path(__file__).resolve().parent / "scope.yaml"


@dataclass(frozen=True)
class Outside:
    subject: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Scope:
    outside: tuple[Outside, ...]
    inside: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class OutOfScope:
    subject: str
    matched: str  # the words of the question that matched


@lru_cache(maxsize=2)
def load_scope(path: str | None = None) -> Scope:
    raw = yaml.safe_load(Path(path or SCOPE_FILE).read_text(encoding="utf-8")) or {}
    outside = tuple(
        Outside(str(o["subject"]), tuple(re.compile(p, re.I) for p in o.get("patterns") or ()))
        for o in raw.get("outside") or ()
    )
    return Scope(outside, tuple(re.compile(p, re.I) for p in raw.get("inside") or ()))


def out_of_scope(question: str, scope: Scope | None = None) -> OutOfScope | None:
    """The outside subject ``question`` is about, unless it also names one of the knowledge base's own subjects."""
    sc = scope or load_scope()
    if any(p.search(question) for p in sc.inside):
        return None
    for o in sc.outside:
        for p in o.patterns:
            m = p.search(question)
            if m:
                return OutOfScope(o.subject, m.group(0))
    return None
