"""``GET /v1/assessments/{id}`` (a stored assessment) and ``POST /v1/assessments/{id}/rerun``."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tumorboard.api.problems import ERRORS, ProblemError
from tumorboard.api.schemas import RerunOut, StoredAssessmentOut
from tumorboard.api.security import require_key
from tumorboard.api.services import rerun_assessment

router = APIRouter(tags=["assessments"], dependencies=[Depends(require_key)], responses=ERRORS)
ID = re.compile(r"^[0-9a-f]{32}$")


def _not_found(assessment_id: str) -> ProblemError:
    return ProblemError(404, "not-found", "No such assessment", "no stored assessment has this id")


@router.get("/assessments/{assessment_id}", response_model=StoredAssessmentOut)
def get_assessment(assessment_id: str, request: Request) -> JSONResponse:
    if not ID.match(assessment_id):
        raise _not_found(assessment_id)
    stored = request.app.state.services.store.get_assessment(assessment_id)
    if stored is None:
        raise _not_found(assessment_id)
    request.scope["state"]["assessment_id"] = assessment_id
    return JSONResponse({
        "id": stored.id, "created_at": stored.created_at, "source": stored.source, "case": stored.case,
        "result": stored.result, "knowledge_base": {"version": stored.kb_version, "hash": stored.kb_hash},
        "engine_version": stored.engine_version,
    })


@router.post("/assessments/{assessment_id}/rerun", response_model=RerunOut,
             summary="Re-run a stored assessment from its stored input and compare with the stored result")
async def rerun(assessment_id: str, request: Request) -> JSONResponse:
    if not ID.match(assessment_id):
        raise _not_found(assessment_id)
    outcome = await run_in_threadpool(rerun_assessment, request.app.state.services, assessment_id)
    if outcome is None:
        raise _not_found(assessment_id)
    return JSONResponse({
        "id": outcome.id, "identical": outcome.identical, "same_knowledge_base": outcome.same_kb,
        "stored_knowledge_base": outcome.stored_kb, "current_knowledge_base": outcome.current_kb,
        "differences": outcome.differences,
    })
