"""Validated scores, one module per system, table-driven and pure.

``REGISTRY`` lists every system with its key (the stable name in results and conditions), its level (case or
lesion) and its primary references. ``compute_all`` runs every applicable score for a case. The Rades MSCC score is
deliberately absent (``rades.py`` says why); ``radiosensitivity.py`` is a lookup table used by NOMS and the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult

_LOADED: dict[str, Callable[[Case], ScoreResult | None]] = {}


@dataclass(frozen=True)
class ScoreSpec:
    key: str
    name: str
    module: str
    level: str  # "case" | "lesion"
    summary: str
    function: str = "score"
    references_name: str = "REFERENCES"
    uses_results: bool = False  # takes ``results=`` (the scores computed before it) to avoid recomputing them

    def load(self) -> Callable[[Case], ScoreResult | None]:
        fn = _LOADED.get(self.key)
        if fn is None:
            fn = getattr(import_module(f"tumorboard.scores.{self.module}"), self.function)
            _LOADED[self.key] = fn
        return fn

    @property
    def references(self) -> tuple[str, ...]:
        refs: tuple[str, ...] = getattr(import_module(f"tumorboard.scores.{self.module}"), self.references_name)
        return refs


REGISTRY: dict[str, ScoreSpec] = {
    s.key: s
    for s in (
        ScoreSpec("sins", "Spinal Instability Neoplastic Score", "sins", "lesion",
                  "Neoplastic spinal instability, 0-18 (Fisher 2010)"),
        ScoreSpec("escc", "Epidural spinal cord compression grade (Bilsky)", "escc", "lesion",
                  "Epidural compression on axial T2 MRI, 0-3 (Bilsky 2010)"),
        ScoreSpec("tokuhashi", "Revised Tokuhashi score", "tokuhashi", "case",
                  "Survival with spinal metastases, 0-15 (Tokuhashi 2005)"),
        ScoreSpec("tomita", "Tomita score", "tomita", "case",
                  "Spinal metastases: prognosis and surgical goal, 2-10 (Tomita 2001)"),
        ScoreSpec("bauer", "Bauer score", "bauer", "case",
                  "Survival after surgery for skeletal metastases, 0-5 (Bauer 1995)"),
        ScoreSpec("modified_bauer", "Modified Bauer score", "bauer", "case",
                  "Bauer without the pathological-fracture item, 0-4 (Leithner 2008)",
                  function="score_modified", references_name="REFERENCES_MODIFIED"),
        ScoreSpec("katagiri", "New Katagiri score", "katagiri", "case",
                  "Survival with skeletal metastases, 0-10 (Katagiri 2014)"),
        ScoreSpec("nesms", "New England Spinal Metastasis Score", "nesms", "case",
                  "1-year survival with spinal metastases, 0-3 (Ghori 2015)", uses_results=True),
        ScoreSpec("van_der_linden", "van der Linden spine score", "van_der_linden", "case",
                  "Survival with spinal metastases, 0-6 (van der Linden 2005)"),
        ScoreSpec("mirels", "Mirels score", "mirels", "lesion",
                  "Impending pathological fracture of a long bone, 4-12 (Mirels 1989)"),
        ScoreSpec("harrington", "Harrington acetabular class", "harrington", "lesion",
                  "Periacetabular destruction and reconstruction, class I-IV (Harrington 1981)"),
        ScoreSpec("performance", "Performance status and neurological grade", "performance", "case",
                  "ECOG, KPS, Lansky, Frankel and ASIA as recorded (no silent conversion)"),
        ScoreSpec("noms", "NOMS assessment", "noms", "case",
                  "Neurologic, oncologic, mechanical and systemic axes (Laufer 2013); an assessment, not a decision",
                  uses_results=True),
        ScoreSpec("fnclcc", "FNCLCC grade", "fnclcc", "case",
                  "Soft-tissue sarcoma grade G1-G3 from differentiation, mitoses and necrosis (Trojani 1984)"),
    )
}


def compute_all(case: Case) -> dict[str, ScoreResult]:
    """Every applicable score for the case, in registry order; scores that do not apply are left out."""
    out: dict[str, ScoreResult] = {}
    for key, spec in REGISTRY.items():
        fn: Callable[..., ScoreResult | None] = spec.load()
        result = fn(case, results=out) if spec.uses_results else fn(case)
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
