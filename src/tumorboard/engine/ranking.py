"""How options are ranked: an explicit rule, written as data, with a one-line explanation in ``plan.ranking``.

Keys are applied in order; the first that differs decides. Lower sorts first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tumorboard.knowledge.models import UNRANKED_EVIDENCE, evidence_tier


@dataclass(frozen=True)
class RankKey:
    """One key of the rule: its name, its explanation, and its value for an option (a dict in the Option shape)
    and the specificity (number of conditions) of the statement behind it."""

    name: str
    explanation: str
    key: Callable[[dict[str, Any], int], Any]


STRENGTH_ORDER = {"strong": 0, "conditional": 1, "consider": 2, "not_recommended": 3}
SECTION_ORDER = {"treatment": 0, "special_considerations": 1, "supportive": 2}

RANKING: tuple[RankKey, ...] = (
    RankKey("urgency", "emergencies first", lambda o, s: 0 if o["urgency"] == "emergency" else 1),
    RankKey("section", "then the treatment plan before special considerations before supportive care",
            lambda o, s: SECTION_ORDER.get(o["section"], 2)),
    RankKey("scope", "then treatment directed at a named lesion before whole-body treatment (the case names the "
            "lesions that need a decision)", lambda o, s: 0 if o["lesion"] else 1),
    RankKey("strength", "then strength (strong > conditional > consider)",
            lambda o, s: STRENGTH_ORDER[o["strength"]]),
    RankKey("evidence", "then evidence level (GRADE high / Oxford 1 / ESMO I / NCCN 1 first, expert opinion last)",
            lambda o, s: evidence_tier(o["evidence"]["scheme"], o["evidence"]["level"]) or UNRANKED_EVIDENCE),
    RankKey("specificity", "then specificity (statements with more conditions first)", lambda o, s: -s),
    RankKey("statement", "then statement id and lesion, for a stable order",
            lambda o, s: (o["statement"], o["lesion"] or "")),
)

EXPLANATION = "Ranked by: " + "; ".join(k.explanation for k in RANKING) + "."


def sort_key(option: dict[str, Any], specificity: int) -> tuple[Any, ...]:
    return tuple(k.key(option, specificity) for k in RANKING)


def rank(items: list[tuple[dict[str, Any], int]]) -> list[dict[str, Any]]:
    """Options (dicts in the Option shape) sorted by the rule, numbered from 1."""
    ordered = sorted(items, key=lambda pair: sort_key(*pair))
    out = []
    for i, (o, _) in enumerate(ordered, start=1):
        o["rank"] = i
        out.append(o)
    return out
