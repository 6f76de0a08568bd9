"""The result shape of docs/case-format.md: scores, the plan and its references."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RESULT_FORMAT: Literal["tumorboard.result/v1"] = "tumorboard.result/v1"
Strength = Literal["strong", "conditional", "consider", "not_recommended"]
ReviewStatus = Literal["draft", "under_review", "approved"]


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
    possible_bands: list[str] = Field(default_factory=list)
    lesion: str | None = None
    level: str | None = None
    missing: list[str] = Field(default_factory=list)
    inputs: dict[str, ItemInput] = Field(default_factory=dict)
    interpretation: str = ""
    notes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    by_lesion: dict[str, ScoreResult] | None = None
    extra: dict[str, Any] | None = None


class Because(Out):
    """A reason an option fired: a case fact, a derived fact or a score band, with its value."""

    fact: str | None = None
    score: str | None = None
    band: str | None = None
    value: Any = None
    lesion: str | None = None
    test: str | None = None  # the condition that read it, e.g. "lesion.scores.escc.band eq 'high_grade'"
    note: str | None = None  # how a derived fact was decided, or why a score does not apply


class Evidence(Out):
    scheme: str
    level: str


class Option(Out):
    statement: str
    title: str = ""
    modality: str | None = None
    followed_by: list[str] = Field(default_factory=list)
    lesion: str | None = None
    rank: int | None = None
    section: str = "treatment"
    recommendation: str
    plain_language: str = ""
    strength: Strength
    evidence: Evidence
    because: list[Because] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    reason: str | None = None
    caveats: list[str] = Field(default_factory=list)
    review_status: ReviewStatus = "draft"
    extrapolated: str | None = None
    urgency: str | None = None
    topic: str | None = None


class Alternative(Out):
    """One value a missing input could take, and what it would change in the plan."""

    value: Any = None
    adds: list[str] = Field(default_factory=list)  # "modality (statement-id[@lesion])"
    removes: list[str] = Field(default_factory=list)


class MissingInput(Out):
    field: str
    could_change: list[str] = Field(default_factory=list)
    statements: list[str] = Field(default_factory=list)
    note: str | None = None
    alternatives: list[Alternative] = Field(default_factory=list)


class Plan(Out):
    options: list[Option] = Field(default_factory=list)
    avoid: list[Option] = Field(default_factory=list)
    warnings: list[Option] = Field(default_factory=list)
    assessment: list[Option] = Field(default_factory=list)
    monitoring: list[Option] = Field(default_factory=list)
    pitfalls: list[Option] = Field(default_factory=list)
    missing: list[MissingInput] = Field(default_factory=list)
    ranking: str = ""


class ReferenceOut(Out):
    id: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    citation: str
    year: int | None = None
    type: str
    verified: bool = False


class KnowledgeBaseInfo(Out):
    version: str
    hash: str = ""
    statements: int = 0


class Result(Out):
    format: Literal["tumorboard.result/v1"] = RESULT_FORMAT
    case_id: str | None = None
    engine_version: str = ""
    knowledge_base: KnowledgeBaseInfo | None = None
    scores: dict[str, ScoreResult] = Field(default_factory=dict)
    derived: dict[str, Any] = Field(default_factory=dict)
    plan: Plan | None = None
    missing: list[str] = Field(default_factory=list)
    inputs_from_text: list[dict[str, Any]] = Field(default_factory=list)
    conversions: list[str] = Field(default_factory=list)
    references: list[ReferenceOut] = Field(default_factory=list)
    review_status: ReviewStatus = "draft"
    disclaimer: str = ""
