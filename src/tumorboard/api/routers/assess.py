"""``POST /v1/assess``: a case in the case format (JSON or YAML), or ``{"text": ...}`` for a note."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tumorboard.api.body import read_document
from tumorboard.api.problems import ERRORS, ProblemError, invalid_case
from tumorboard.api.schemas import AssessOut
from tumorboard.api.security import require_key
from tumorboard.api.services import NotAvailable, Prepared, Services, render_json
from tumorboard.model.parse import CaseError

INLINE_BYTES = 64 * 1024  # bodies up to this size are hashed and validated on the event loop (well under 1 ms)

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


def prepare_document(services: Services, data: Any, *, cached_only: bool = False) -> tuple[Prepared | None, str]:
    """A validated case (or a note's extracted case) and its result, and the source ("case" or "text"); problems for
    invalid input. With ``cached_only``: None unless the result is already computed (cheap enough for the loop)."""
    extraction = None
    source = "case"
    if is_text_request(data):
        if cached_only:
            return None, source
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
        if cached_only:
            return services.prepare_cached(data), source
        return services.prepare(data, extraction=extraction), source
    except CaseError as exc:
        raise invalid_case(exc) from None
    except NotAvailable as exc:
        raise not_available(exc) from None


def render(assessment_id: str, prepared: Prepared) -> bytes:
    """The response body, byte for byte what ``JSONResponse(dict)`` gives, with the shared result's JSON reused."""
    parts = [b'{"id":', render_json(assessment_id), b',"result":', prepared.shared.rendered]
    if prepared.extraction is not None:
        parts += [b',"extraction":', render_json(prepared.extraction)]
    links = {"self": f"/v1/assessments/{assessment_id}", "report": f"/assessments/{assessment_id}"}
    parts += [b',"links":', render_json(links), b"}"]
    return b"".join(parts)


@router.post("/assess", response_model=AssessOut, openapi_extra={"requestBody": CASE_OR_TEXT},
             summary="Assess a case (or a note): scores, plan, missing inputs; stored with an audit event")
async def assess(request: Request) -> Response:
    data = await read_document(request, yaml_ok=True)
    services: Services = request.app.state.services
    state = request.scope["state"]
    prepared: Prepared | None = None
    if len(await request.body()) <= INLINE_BYTES:  # a small case whose result is shared: validate it in the loop
        prepared, source = prepare_document(services, data, cached_only=True)
    if prepared is None:  # the engine (or text extraction) runs in a worker thread
        prepared, source = await run_in_threadpool(prepare_document, services, data)
    assert prepared is not None
    write = prepared.write(services, source=source, actor=state.get("actor", ""),
                           request_id=state.get("request_id", ""))
    # group commit: wait (without a thread) until this request's row and audit event are committed; if the batch
    # fails, StoreUnavailable becomes a 503 problem (app.py) and nothing of this request is stored
    assessment_id = await asyncio.wrap_future(services.store.submit_assessment(write))
    state["assessment_id"] = assessment_id
    return Response(render(assessment_id, prepared), media_type="application/json",
                    headers={"Location": f"/v1/assessments/{assessment_id}"})
