"""Request and response bodies of the API (documented in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tumorboard.model.result import Result, ScoreResult


class TextIn(BaseModel):
    """A clinical note or question to extract a case from (needs tumorboard.text)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200_000)


class AssessOut(BaseModel):
    id: str = Field(description="The stored assessment's id: GET /v1/assessments/{id}.")
    result: Result
    extraction: dict[str, Any] | None = Field(default=None, description="Facts from text, with their snippets.")
    links: dict[str, str] = Field(default_factory=dict)


class KnowledgeBaseRef(BaseModel):
    version: str
    hash: str


class StoredAssessmentOut(BaseModel):
    id: str
    created_at: str
    source: str
    case: dict[str, Any]
    result: dict[str, Any]
    knowledge_base: KnowledgeBaseRef
    engine_version: str


class RerunOut(BaseModel):
    id: str
    identical: bool
    same_knowledge_base: bool
    stored_knowledge_base: str
    current_knowledge_base: str
    differences: list[str]


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=4000)
    audience: Literal["clinician", "patient"] = "clinician"
    conversation_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")


class AskOut(BaseModel):
    conversation_id: str
    question_id: str
    answer: dict[str, Any]


class TurnOut(BaseModel):
    question_id: str
    turn: int
    question: str
    audience: str
    answer: dict[str, Any] | None
    created_at: str


class ConversationOut(BaseModel):
    id: str
    turns: list[TurnOut]


class FieldOut(BaseModel):
    path: str
    label: str
    kind: str
    options: list[str] = Field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    step: float | str | None = None


class BandOut(BaseModel):
    id: str
    low: float
    high: float
    meaning: str


class ScoreInfo(BaseModel):
    key: str
    name: str
    level: str
    summary: str
    references: list[str]
    regions: list[str] = Field(default_factory=list, description="Lesion regions where a lesion-level score applies.")
    inputs: list[FieldOut] = Field(default_factory=list, description="Case fields the score reads.")
    bands: list[BandOut] = Field(default_factory=list)


class ScoreOut(ScoreResult):
    pass


class Health(BaseModel):
    status: str
    version: str


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    knowledge_base: dict[str, Any]
    parts: dict[str, str]
    database: str
