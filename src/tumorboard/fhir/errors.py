"""Errors of the FHIR importer."""

from __future__ import annotations


class FhirError(ValueError):
    """The input is not a usable FHIR bundle. The message names the resource (Type/id, entry index) and element."""

    def __init__(self, message: str, *, resource: str | None = None, element: str | None = None) -> None:
        where = ", ".join(p for p in (resource, element) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.resource = resource
        self.element = element
        self.detail = message
