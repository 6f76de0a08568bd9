"""Facts with provenance: where a value of the case came from (text span, FHIR resource, user form)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tumorboard.model.case import Case

SourceKind = Literal["text", "fhir", "form", "case"]


class ExtractedFact(BaseModel):
    """One value of the case and the evidence for it."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Case-format field path, lesions by position (lesions.0.levels).")
    value: Any
    source: SourceKind = "text"
    start: int | None = Field(default=None, description="Character offset of the supporting span.")
    end: int | None = None
    snippet: str | None = None
    rule: str | None = Field(default=None, description="The rule or mapping that produced the fact.")
    modifiers: list[str] = Field(default_factory=list, description="ConText modifiers (negated, historical, ...).")
    resource: str | None = Field(default=None, description="FHIR provenance: ResourceType/id.")


class Conflict(BaseModel):
    """Mentions that disagree on one field; reported, never resolved silently."""

    model_config = ConfigDict(extra="forbid")

    path: str
    values: list[Any]
    facts: list[ExtractedFact] = Field(default_factory=list)
    note: str = ""


class Extraction(BaseModel):
    """A case built from a source, with the facts that support each value and the conflicts found."""

    model_config = ConfigDict(extra="forbid")

    case: Case
    facts: list[ExtractedFact] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    unmapped: list[dict[str, Any]] = Field(default_factory=list)
