"""``POST /v1/ask`` (a question, audience, optional conversation id) and ``GET /v1/conversations/{id}``."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tumorboard.api.body import read_document
from tumorboard.api.problems import ERRORS, ProblemError, invalid_case
from tumorboard.api.routers.assess import not_available
from tumorboard.api.schemas import AskIn, AskOut, ConversationOut
from tumorboard.api.security import require_key
from tumorboard.api.services import QA_MISSING, NotAvailable
from tumorboard.model.parse import CaseError, parse_model

router = APIRouter(tags=["ask"], dependencies=[Depends(require_key)], responses=ERRORS)
ID = re.compile(r"^[0-9a-f]{32}$")


@router.post("/ask", response_model=AskOut, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskIn"}}}}},
    summary="Ask a question; follow-ups keep the conversation")
async def ask(request: Request) -> JSONResponse:
    data = await read_document(request)
    try:
        body = parse_model(AskIn, data)
    except CaseError as exc:
        problem = invalid_case(exc)
        problem.title, problem.kind = "Invalid question", "invalid-question"
        raise problem from None
    assert isinstance(body, AskIn)
    services = request.app.state.services
    if services.qa is None:
        raise not_available(NotAvailable("ask", QA_MISSING))
    if body.conversation_id and not services.store.conversation_exists(body.conversation_id):
        raise ProblemError(404, "not-found", "No such conversation", "start a new one without conversation_id")
    state = request.scope["state"]
    try:
        conv, qid, answer = await run_in_threadpool(
            services.ask, body.question, audience=body.audience, conversation_id=body.conversation_id,
            actor=state.get("actor", ""), request_id=state.get("request_id", ""))
    except NotAvailable as exc:
        raise not_available(exc) from None
    state["conversation_id"] = conv
    return JSONResponse({"conversation_id": conv, "question_id": qid, "answer": answer})


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def conversation(conversation_id: str, request: Request) -> JSONResponse:
    turns = request.app.state.services.store.conversation(conversation_id) if ID.match(conversation_id) else []
    if not turns:
        raise ProblemError(404, "not-found", "No such conversation")
    return JSONResponse({"id": conversation_id, "turns": [
        {"question_id": t.question_id, "turn": t.turn, "question": t.question, "audience": t.audience,
         "answer": t.answer, "created_at": t.created_at} for t in turns]})
