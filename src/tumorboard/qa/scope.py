"""The knowledge base's scope, as data (``scope.yaml``): subjects it does not cover and anchors of those it does.

Retrieval scores cannot tell a question about an osteoporotic fracture or brain metastases from one about bone
metastases: the words are shared. A question naming an ``outside`` subject is refused unless it also names what the
knowledge base is about (which anchors count depends on the subject's tier, see ``scope.yaml``), and the answer names
the subject and the words that matched (transparency: the refusal is checkable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SCOPE_FILE = Path(__file__).resolve().parent / "scope.yaml"


TIERS = ("weak", "strong", "always")
BONE_ANCHORS = 2  # the first `inside` anchors name bone metastases: they keep strong-tier questions in too


@dataclass(frozen=True)
class Outside:
    subject: str
    patterns: tuple[re.Pattern[str], ...]
    tier: str = "weak"


@dataclass(frozen=True)
class Scope:
    outside: tuple[Outside, ...]
    inside: tuple[re.Pattern[str], ...]
    status: tuple[re.Pattern[str], ...] = ()
    familiar: tuple[str, ...] = ()  # words counted as the knowledge base's own (tumorboard.qa.vocabulary)
    domain: tuple[re.Pattern[str], ...] = ()
    bones: tuple[re.Pattern[str], ...] = ()
    tumour_words: tuple[re.Pattern[str], ...] = ()
    bone_care: tuple[re.Pattern[str], ...] = ()
    cancer_words: tuple[re.Pattern[str], ...] = ()
    disease_status: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class OutOfScope:
    subject: str
    matched: str  # the words of the question that matched


@lru_cache(maxsize=2)
def load_scope(path: str | None = None) -> Scope:
    raw = yaml.safe_load(Path(path or SCOPE_FILE).read_text(encoding="utf-8")) or {}
    outside = tuple(
        Outside(str(o["subject"]), tuple(re.compile(p, re.I) for p in o.get("patterns") or ()),
                str(o.get("tier", "weak")))
        for o in raw.get("outside") or ()
    )
    bad = [o.subject for o in outside if o.tier not in TIERS]
    if bad:
        raise ValueError(f"scope.yaml: unknown tier for {bad}; allowed: {', '.join(TIERS)}")
    return Scope(outside, tuple(re.compile(p, re.I) for p in raw.get("inside") or ()),
                 tuple(re.compile(p, re.I) for p in raw.get("status") or ()),
                 tuple(str(w) for w in raw.get("familiar") or ()),
                 *(tuple(re.compile(p, re.I) for p in raw.get(k) or ())
                   for k in ("domain", "bones", "tumour_words", "bone_care", "cancer_words", "disease_status")))


def first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    """The words of ``text`` that the first matching pattern finds, or None."""
    return next((m.group(0) for p in patterns if (m := p.search(text))), None)


def anchored(question: str, scope: Scope | None = None) -> str | None:
    """The words of ``question`` that name what the knowledge base is about (the first ``inside`` anchor found)."""
    return first_match((scope or load_scope()).inside, question)


def in_domain(question: str, scope: Scope | None = None) -> str | None:
    """The words of ``question`` that place it in the knowledge base's domain (an ``inside`` anchor, a ``domain``
    pattern, or a bone named with a tumour word, radiotherapy or pain), or None."""
    sc = scope or load_scope()
    found = anchored(question, sc) or first_match(sc.domain, question)
    if found:
        return found
    bone = first_match(sc.bones, question)
    other = first_match((*sc.tumour_words, *sc.bone_care), question) if bone else None
    return f"{bone} + {other}" if other else None


def unstaged(question: str, scope: Scope | None = None) -> str | None:
    """The cancer ``question`` names when it names no metastatic, recurrent or advanced disease and nothing of the
    domain (``in_domain``): a question about another stage of the disease. None otherwise."""
    sc = scope or load_scope()
    cancer = first_match(sc.cancer_words, question)
    if cancer is None or any(p.search(question) for p in sc.disease_status) or in_domain(question, sc):
        return None
    return cancer


def out_of_scope(question: str, scope: Scope | None = None) -> OutOfScope | None:
    """The first outside subject ``question`` names that what else it names does not keep in (see the tiers)."""
    sc = scope or load_scope()
    inside = any(p.search(question) for p in sc.inside)
    status = any(p.search(question) for p in (*sc.inside[:BONE_ANCHORS], *sc.status))
    for o in sc.outside:
        if (o.tier == "weak" and inside) or (o.tier == "strong" and status):
            continue
        for p in o.patterns:
            m = p.search(question)
            if m:
                return OutOfScope(o.subject, m.group(0))
    return None
