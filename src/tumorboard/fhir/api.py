"""``GET /v1/assessments/{id}/fhir``: a stored assessment as a FHIR R4 Bundle (see ``tumorboard.fhir.writer``).

Mounted by the API's app factory under ``/v1`` next to the assessments router, with the same API-key check.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

ID = re.compile(r"^[0-9a-f]{32}$")


def create_assessment_fhir_router() -> APIRouter:
    from tumorboard.api.problems import ProblemError
    from tumorboard.api.security import require_key

    router = APIRouter(tags=["assessments"], dependencies=[Depends(require_key)])

    @router.get("/assessments/{assessment_id}/fhir", summary="A stored assessment as a FHIR R4 Bundle",
                response_class=JSONResponse)
    def assessment_fhir(assessment_id: str, request: Request) -> JSONResponse:
        from tumorboard.fhir.writer import result_to_fhir
        from tumorboard.model.case import Case
        from tumorboard.model.result import Result

        stored = request.app.state.services.store.get_assessment(assessment_id) if ID.match(assessment_id) else None
        if stored is None:
            raise ProblemError(404, "not-found", "No such assessment", "no stored assessment has this id")
        case = Case.model_validate(stored.case)
        result = Result.model_validate(stored.result)
        bundle = result_to_fhir(result, case)
        bundle["id"] = assessment_id
        return JSONResponse(bundle, media_type="application/fhir+json")

    return router
