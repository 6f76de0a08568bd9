"""The plan of a result, its references and the whole ``Result`` (docs/case-format.md).

Importable from ``tumorboard.model.result`` as well, where the score results are defined.
"""

from typing import Any, Literal

from pydantic import Field

from tumorboard.model.result import (
    RESULT_FORMAT,
    Out,
    ReviewStatus,
    ScoreResult,
    Strength,
    _new_dict,
    _new_list,
)


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
    followed_by: list[str] = Field(default_factory=_new_list)
    lesion: str | None = None
    rank: int | None = None
    section: str = "treatment"
    recommendation: str
    plain_language: str = ""
    strength: Strength
    evidence: Evidence
    because: list[Because] = Field(default_factory=_new_list)
    references: list[str] = Field(default_factory=_new_list)
    reason: str | None = None
    caveats: list[str] = Field(default_factory=_new_list)
    review_status: ReviewStatus = "draft"
    extrapolated: str | None = None
    urgency: str | None = None
    topic: str | None = None


class Alternative(Out):
    """One value a missing input could take, and what it would change in the plan."""

    value: Any = None
    adds: list[str] = Field(default_factory=_new_list)  # "modality (statement-id[@lesion])"
    removes: list[str] = Field(default_factory=_new_list)


class MissingInput(Out):
    field: str
    could_change: list[str] = Field(default_factory=_new_list)
    statements: list[str] = Field(default_factory=_new_list)
    note: str | None = None
    alternatives: list[Alternative] = Field(default_factory=_new_list)


class Plan(Out):
    options: list[Option] = Field(default_factory=_new_list)
    avoid: list[Option] = Field(default_factory=_new_list)
    warnings: list[Option] = Field(default_factory=_new_list)
    assessment: list[Option] = Field(default_factory=_new_list)
    monitoring: list[Option] = Field(default_factory=_new_list)
    pitfalls: list[Option] = Field(default_factory=_new_list)
    missing: list[MissingInput] = Field(default_factory=_new_list)
    ranking: str = ""

    def items(self) -> list[Option]:
        """Every option the plan holds, in every list (options, avoid, warnings, assessment, monitoring, pitfalls)."""
        return [*self.options, *self.avoid, *self.warnings, *self.assessment, *self.monitoring, *self.pitfalls]


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
    scores: dict[str, ScoreResult] = Field(default_factory=_new_dict)
    derived: dict[str, Any] = Field(default_factory=_new_dict)
    plan: Plan | None = None
    missing: list[str] = Field(default_factory=_new_list)
    inputs_from_text: list[dict[str, Any]] = Field(default_factory=_new_list)
    conversions: list[str] = Field(default_factory=_new_list)
    references: list[ReferenceOut] = Field(default_factory=_new_list)
    review_status: ReviewStatus = "draft"
    disclaimer: str = ""
