"""FHIR R4 / mCODE STU4 in, FHIR out, and the CDS Hooks service.

``read_bundle(data) -> Extraction`` maps a patient bundle to a case with the provenance of every value;
``result_to_fhir(result, case) -> dict`` writes an assessment as a FHIR Bundle. The CDS Hooks router lives in
``tumorboard.fhir.cds_hooks`` (imported on demand: it needs FastAPI).
"""

from __future__ import annotations

from typing import Any

from tumorboard.fhir.errors import FhirError
from tumorboard.fhir.reader import case_from_bundle, read_bundle

__all__ = ["FhirError", "case_from_bundle", "is_fhir_bundle", "read_bundle", "result_to_fhir"]


def is_fhir_bundle(data: Any) -> bool:
    """True for a JSON object that says it is a FHIR Bundle."""
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def result_to_fhir(*args: Any, **kwargs: Any) -> dict[str, Any]:
    from tumorboard.fhir.writer import result_to_fhir as write

    bundle: dict[str, Any] = write(*args, **kwargs)
    return bundle
