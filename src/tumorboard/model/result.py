"""The result shape of docs/case-format.md: scores, the plan and its references.

The score results are defined here; the plan, its references and the whole ``Result`` are in ``plan.py`` and are
importable from here too (loaded on first use, PEP 562), so that ``tumorboard score`` does not define the plan's
nine models. Start-up time, as in ``case.py``: annotations evaluated at class creation, schemas built on first use
(``defer_build``), default factories that are plain functions.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from tumorboard.model.plan import (
        Alternative,
        Because,
        Evidence,
        KnowledgeBaseInfo,
        MissingInput,
        Option,
        Plan,
        ReferenceOut,
        Result,
    )

__all__ = [
    "RESULT_FORMAT", "Alternative", "Because", "Evidence", "ItemInput", "KnowledgeBaseInfo", "MissingInput", "Option",
    "Out", "Plan", "ReferenceOut", "Result", "ReviewStatus", "ScoreResult", "Strength",
]
_IN_PLAN = frozenset({
    "Alternative", "Because", "Evidence", "KnowledgeBaseInfo", "MissingInput", "Option", "Plan", "ReferenceOut",
    "Result",
})

RESULT_FORMAT: Literal["tumorboard.result/v1"] = "tumorboard.result/v1"
Strength = Literal["strong", "conditional", "consider", "not_recommended"]
ReviewStatus = Literal["draft", "under_review", "approved"]


def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[str, Any]:
    return {}


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ItemInput(Out):
    """One item of a score: the value it was read from, its category and its points (None when unknown)."""

    field: str | None = None
    value: Any = None
    category: str | None = None
    points: float | None = None
    possible: list[float] | None = None
    note: str | None = None


class ScoreResult(Out):
    """The result of one score for a case or a lesion."""

    key: str
    name: str
    value: Any = None
    min: int | float | None = None
    max: int | float | None = None
    band: str | None = None
    determinate: bool = False
    possible_bands: list[str] = Field(default_factory=_new_list)
    lesion: str | None = None
    level: str | None = None
    missing: list[str] = Field(default_factory=_new_list)
    inputs: dict[str, ItemInput] = Field(default_factory=_new_dict)
    interpretation: str = ""
    notes: list[str] = Field(default_factory=_new_list)
    references: list[str] = Field(default_factory=_new_list)
    by_lesion: "dict[str, ScoreResult] | None" = None
    extra: dict[str, Any] | None = None


def __getattr__(name: str) -> Any:
    if name in _IN_PLAN:
        value = getattr(import_module("tumorboard.model.plan"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
