"""Pydantic models of the knowledge-base files (docs/knowledge-format.md) and the compiled condition tree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Section = Literal["assessment", "treatment", "special_considerations", "supportive", "monitoring", "pitfalls"]
StrengthT = Literal["strong", "conditional", "consider", "not_recommended"]
StatusT = Literal["draft", "under_review", "approved"]
RefType = Literal["guideline", "rct", "meta_analysis", "cohort", "review", "consensus", "label"]
NO_MODALITY_SECTIONS = frozenset({"assessment", "monitoring", "pitfalls"})
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "contains_any", "known")
KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    id: str = Field(pattern=KEBAB)
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    issuer: str | None = None
    date: str | None = None
    citation: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1800, le=2100)
    type: RefType
    verified: bool = False
    checked: str | None = None

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid_text(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid_digits(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError(f"PMID must be digits, not {value!r}")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        return None if value is None else str(value)


class EvidenceSpec(_Strict):
    scheme: str = Field(min_length=1)
    level: str = Field(min_length=1)

    @field_validator("level", mode="before")
    @classmethod
    def _level_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Review(_Strict):
    status: StatusT
    reviewed_by: str | None = None
    date: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        return None if value is None else str(value)


class Statement(_Strict):
    """One knowledge-base statement, as written in ``knowledge/statements/<topic>.yaml``."""

    id: str = Field(pattern=KEBAB)
    title: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    plain_language: str = Field(min_length=1)
    modality: str | None = None
    followed_by: list[str] = Field(default_factory=list)
    scope: Literal["case", "lesion"] = "case"
    urgency: Literal["emergency", "routine"] | None = None
    section: Section
    strength: StrengthT
    evidence: EvidenceSpec
    references: list[str] = Field(default_factory=list)
    applies_when: dict[str, Any]
    not_when: dict[str, Any] | None = None
    avoid_reason: str | None = None
    extrapolated: str | None = None
    review: Review
    version: int = Field(ge=1)

    @field_validator("followed_by", "references", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_default(cls, value: object) -> object:
        return "case" if value is None else value


class StatementFile(_Strict):
    topic: str = Field(min_length=1)
    statements: list[dict[str, Any]] = Field(default_factory=list)


# --- compiled conditions -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leaf:
    path: Any  # catalogue.PathRef
    op: str
    value: Any
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            if self.op == "known":
                text = f"{self.path.raw} is {'known' if self.value else 'unknown'}"
            else:
                text = f"{self.path.raw} {self.op} {self.value!r}"
            object.__setattr__(self, "text", text)

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Any


Cond = Leaf | All | AnyOf | Not


def leaves(cond: Cond) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return leaves(cond.item)
    out: list[Leaf] = []
    for c in cond.items:
        out.extend(leaves(c))
    return out


def describe(cond: Cond) -> str:
    """A compact, readable form of a condition, for reasons and reports."""
    if isinstance(cond, Leaf):
        return cond.describe()
    if isinstance(cond, Not):
        return f"not ({describe(cond.item)})"
    joiner = " and " if isinstance(cond, All) else " or "
    parts = [describe(c) for c in cond.items]
    return "(" + joiner.join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "true")


# Evidence levels on one scale for ranking (1 = strongest). Schemes are matched case-insensitively; ESMO levels are
# written "I,A" (the level of evidence before the comma decides).
EVIDENCE_TIERS: dict[str, dict[str, int]] = {
    "grade": {"high": 1, "moderate": 2, "low": 3, "very_low": 4},
    "oxford": {"1": 1, "1a": 1, "1b": 1, "2": 2, "2a": 2, "2b": 2, "3": 3, "3a": 3, "3b": 3, "4": 4, "5": 5},
    "esmo": {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5},
    "nccn": {"1": 1, "2a": 2, "2b": 3, "3": 4},
    "expert_opinion": {"": 5},
}
UNRANKED_EVIDENCE = 6


@lru_cache(maxsize=1024, typed=True)  # pure; called for every option ranked
def evidence_tier(scheme: str, level: str) -> int | None:
    """The evidence level on the common scale, or None when the scheme or level is not recognised."""
    s = scheme.strip().lower().replace(" ", "_")
    if s in ("expert_opinion", "expert", "consensus"):
        return 5
    table = EVIDENCE_TIERS.get(s)
    if table is None:
        return None
    lv = str(level).strip().lower().replace(" ", "_")
    if s == "esmo":
        lv = lv.split(",")[0].strip()
    if s == "expert_opinion":
        return 5
    return table.get(lv)
