"""Validated scores, one module per system, table-driven and pure.

``REGISTRY`` lists every system with its key (the stable name in results and conditions), its level (case or
lesion) and its primary references. ``compute_all`` runs every applicable score for a case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult


@dataclass(frozen=True)
class ScoreSpec:
    key: str
    name: str
    module: str
    level: str  # "case" | "lesion"
    summary: str

    def load(self) -> Callable[[Case], ScoreResult | None]:
        fn: Callable[[Case], ScoreResult | None] = import_module(f"tumorboard.scores.{self.module}").score
        return fn

    @property
    def references(self) -> tuple[str, ...]:
        refs: tuple[str, ...] = import_module(f"tumorboard.scores.{self.module}").REFERENCES
        return refs


REGISTRY: dict[str, ScoreSpec] = {
    s.key: s
    for s in (
        ScoreSpec("sins", "Spinal Instability Neoplastic Score", "sins", "lesion",
                  "Neoplastic spinal instability, 0-18 (Fisher 2010)"),
        ScoreSpec("escc", "Epidural spinal cord compression grade (Bilsky)", "escc", "lesion",
                  "Epidural compression on axial T2 MRI, 0-3 (Bilsky 2010)"),
    )
}


def compute_all(case: Case) -> dict[str, ScoreResult]:
    """Every applicable score for the case, in registry order; scores that do not apply are left out."""
    out: dict[str, ScoreResult] = {}
    for key, spec in REGISTRY.items():
        result = spec.load()(case)
        if result is not None:
            out[key] = result
    return out


def compute(key: str, case: Case, lesion: str | None = None) -> ScoreResult | None:
    """One score; with ``lesion``, that lesion's result from ``by_lesion`` (KeyError if the lesion has none)."""
    result = REGISTRY[key].load()(case)
    if lesion is None or result is None:
        return result
    if result.by_lesion is None:
        raise KeyError(f"{key} is not a lesion-level score")
    return result.by_lesion[lesion]
