"""Whether given statements apply to a case: the state the engine would give each (pure).

Used where a statement was found some other way than by the engine (the words of a question) and must be checked
against the case before it is shown beside the engine's plan: ``fire`` or ``avoid`` (the plan holds it), ``blocked``
(inputs the case lacks decide it) or ``none`` (its conditions are false for this case).
"""

from __future__ import annotations

from collections.abc import Iterable

from tumorboard.engine.conditions import Facts
from tumorboard.engine.plan import State, fast_state
from tumorboard.knowledge.loader import KnowledgeBase
from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult
from tumorboard.scores import compute_all

PRECEDENCE: dict[str, int] = {"fire": 0, "avoid": 1, "blocked": 2, "none": 3}


def applicability(case: Case, statement_ids: Iterable[str], kb: KnowledgeBase | None = None,
                  scores: dict[str, ScoreResult] | None = None) -> dict[str, State]:
    """The engine's state of each statement for ``case``; a lesion-scoped statement takes its most applicable state
    over the case's lesions. Unknown statement ids are left out. ``scores``: the case's scores when already
    computed (an assessment's ``Result.scores``)."""
    if kb is None:
        from tumorboard.knowledge import load

        kb = load()
    wanted = set(statement_ids)
    facts = Facts(case, scores if scores is not None else compute_all(case))
    out: dict[str, State] = {}
    for cs in kb.statements:
        if cs.id not in wanted:
            continue
        keys = list(facts.lesions) if cs.stmt.scope == "lesion" else [None]
        states = [fast_state(cs, facts, k) for k in keys] or ["none"]
        out[cs.id] = min(states, key=PRECEDENCE.__getitem__)
    return out
