"""``assess(case) -> Result``: scores, then (once the knowledge base is wired in) the plan."""

from __future__ import annotations

from tumorboard import __version__
from tumorboard.model.case import Case
from tumorboard.model.result import Result
from tumorboard.scores import compute_all

DISCLAIMER = (
    "Decision support for qualified clinicians; it does not replace clinical judgement or a multidisciplinary "
    "tumour board. Check every input and source."
)


def assess(case: Case) -> Result:
    """Every applicable score for the case, and the inputs still missing."""
    scores = compute_all(case)
    missing = sorted({m for r in scores.values() for m in r.missing})
    return Result(
        case_id=case.id,
        engine_version=__version__,
        scores=scores,
        missing=missing,
        disclaimer=DISCLAIMER,
    )
