"""``POST /v1/assess``: a case in the case format (JSON or YAML), or ``{"text": ...}`` for a note."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tumorboard.api.body import read_document
from tumorboard.api.problems import ERRORS, ProblemError, invalid_case
from tumorboard.api.schemas import AssessOut
from tumorboard.api.security import require_key
from tumorboard.api.services import NotAvailable, Services
from tumorboard.model.parse import CaseError

router = APIRouter(tags=["assess"], dependencies=[Depends(require_key)], responses=ERRORS)

CASE_OR_TEXT = {
    "required": True,
    "content": {
        "application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Case"},
                                                  {"$ref": "#/components/schemas/TextIn"}]}},
        "application/yaml": {"schema": {"$ref": "#/components/schemas/Case"}},
    },
}


def not_available(exc: NotAvailable) -> ProblemError:
    if exc.part == "knowledge base" or "loading" in exc.detail:
        return ProblemError(503, "not-ready", f"{exc.part.capitalize()} not ready", exc.detail,
                            headers={"Retry-After": "5"})
    return ProblemError(501, "not-installed", f"{exc.part.capitalize()} is not available", exc.detail)


def is_text_request(data: Any) -> bool:
    return isinstance(data, dict) and "text" in data and "format" not in data


def assess_document(services: Services, data: Any, *, actor: str, request_id: str) -> dict[str, Any]:
    extraction = None
    source = "case"
    if is_text_request(data):
        text = data.get("text")
        if set(data) != {"text"} or not isinstance(text, str) or not text.strip():
            raise ProblemError(422, "invalid-text", "Invalid text request", 'send {"text": "<the note>"}',
                               [{"path": "text", "message": "must be non-empty text and the only field",
                                 "value": None, "allowed": []}])
        if len(text) > 200_000:
            raise ProblemError(413, "too-large", "Text too long", "notes are limited to 200,000 characters")
        try:
            extraction = services.extract(text)
        except NotAvailable as exc:
            raise not_available(exc) from None
        data = extraction["case"]
        source = "text"
    try:
        outcome = services.assess_data(data, source=source, actor=actor, request_id=request_id,
                                       extraction=extraction)
    except CaseError as exc:
        raise invalid_case(exc) from None
    except NotAvailable as exc:
        raise not_available(exc) from None
    return {
        "id": outcome.id,
        "result": outcome.result_data,
        **({"extraction": extraction} if extraction is not None else {}),
        "links": {"self": f"/v1/assessments/{outcome.id}", "report": f"/assessments/{outcome.id}"},
    }


@router.post("/assess", response_model=AssessOut, openapi_extra={"requestBody": CASE_OR_TEXT},
             summary="Assess a case (or a note): scores, plan, missing inputs; stored with an audit event")
async def assess(request: Request) -> JSONResponse:
    data = await read_document(request, yaml_ok=True)
    state = request.scope["state"]
    body = await run_in_threadpool(assess_document, request.app.state.services, data,
                                   actor=state.get("actor", ""), request_id=state.get("request_id", ""))
    state["assessment_id"] = body["id"]
    return JSONResponse(body, headers={"Location": body["links"]["self"]})
