"""``GET /v1/scores`` (the systems, their inputs and bands) and ``POST /v1/scores/{key}`` (one score for a case)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tumorboard.api.body import read_document
from tumorboard.api.fields import score_form
from tumorboard.api.problems import ERRORS, ProblemError, invalid_case
from tumorboard.api.schemas import ScoreInfo, ScoreOut
from tumorboard.api.security import require_key
from tumorboard.model.parse import CaseError, parse_case_data
from tumorboard.scores import REGISTRY, compute

router = APIRouter(tags=["scores"], dependencies=[Depends(require_key)], responses=ERRORS)


def score_info(key: str) -> dict[str, object]:
    spec = REGISTRY[key]
    form = score_form(key)
    return {
        "key": spec.key, "name": spec.name, "level": spec.level, "summary": spec.summary,
        "references": list(spec.references), "regions": list(form.regions),
        "inputs": [f.as_dict() for f in form.fields],
        "bands": [{"id": b[0], "low": b[1], "high": b[2], "meaning": b[3]} for b in form.bands],
    }


@router.get("/scores", response_model=list[ScoreInfo])
def list_scores() -> JSONResponse:
    return JSONResponse([score_info(key) for key in REGISTRY])


@router.post("/scores/{key}", response_model=ScoreOut, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}},
                                  "application/yaml": {"schema": {"$ref": "#/components/schemas/Case"}}}}},
    summary="Compute one score for a case (a lesion's result with ?lesion=ID)")
async def compute_score(
    key: str, request: Request,
    lesion: str | None = Query(default=None, max_length=64, description="Lesion id for lesion-level scores."),
) -> JSONResponse:
    if key not in REGISTRY:
        raise ProblemError(404, "unknown-score", "Unknown score", f"{key[:64]!r} is not a score",
                           [{"path": "key", "message": "unknown score", "value": key[:64], "allowed": list(REGISTRY)}])
    data = await read_document(request, yaml_ok=True)

    def run() -> JSONResponse:
        try:
            case = parse_case_data(data).case
        except CaseError as exc:
            raise invalid_case(exc) from None
        try:
            result = compute(key, case, lesion)
        except KeyError:
            ids = [case.lesion_key(i) for i in range(len(case.lesions))]
            raise ProblemError(422, "no-such-lesion", "No result for this lesion",
                               f"{key} has no result for lesion {lesion!r}",
                               [{"path": "lesion", "message": "no result for this lesion", "value": lesion,
                                 "allowed": ids}]) from None
        if result is None:
            raise ProblemError(422, "not-applicable", "Score does not apply",
                               f"{key} does not apply to this case (no suitable lesion or input)")
        return JSONResponse(result.model_dump(mode="json", exclude_none=True))

    return await run_in_threadpool(run)
