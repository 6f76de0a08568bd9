"""``GET /v1/statements[/{id}]`` and ``GET /v1/references[/{id}]``: the knowledge base, with review status and
evidence, and its version."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from tumorboard.api.problems import ERRORS, ProblemError
from tumorboard.api.security import require_key
from tumorboard.api.services import KnowledgeBase

router = APIRouter(tags=["knowledge"], dependencies=[Depends(require_key)], responses=ERRORS)


def loaded_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.services.kb
    if not kb.loaded:
        raise ProblemError(503, "not-ready", "Knowledge base not loaded", (kb.error or "").splitlines()[0][:300]
                           if kb.error else "", headers={"Retry-After": "5"})
    return kb


def review_status(statement: dict[str, Any]) -> str:
    review = statement.get("review")
    return str(review.get("status", "draft")) if isinstance(review, dict) else "draft"


def matches(doc: dict[str, Any], q: str) -> bool:
    q = q.lower()
    return any(q in str(v).lower() for k, v in doc.items() if k in (
        "id", "title", "statement", "plain_language", "modality", "topic", "citation", "pmid", "doi"))


def search_statements(kb: KnowledgeBase, q: str = "", topic: str = "", status: str = "") -> list[dict[str, Any]]:
    out = []
    for s in kb.statements.values():
        if topic and s.get("topic") != topic:
            continue
        if status and review_status(s) != status:
            continue
        if q and not matches(s, q):
            continue
        out.append(s)
    return out


def search_references(kb: KnowledgeBase, q: str = "") -> list[dict[str, Any]]:
    return [r for r in kb.references.values() if not q or matches(r, q)]


def kb_info(kb: KnowledgeBase) -> dict[str, Any]:
    return {"version": kb.version, "hash": kb.hash, "source": kb.source}


@router.get("/statements", response_model=dict[str, Any])
def list_statements(
    request: Request, q: str = Query(default="", max_length=200), topic: str = Query(default="", max_length=64),
    status: str = Query(default="", max_length=32), limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> JSONResponse:
    kb = loaded_kb(request)
    found = search_statements(kb, q, topic, status)
    return JSONResponse({"knowledge_base": kb_info(kb), "total": len(found),
                         "statements": found[offset:offset + limit]})


@router.get("/statements/{statement_id}", response_model=dict[str, Any])
def get_statement(statement_id: str, request: Request) -> JSONResponse:
    kb = loaded_kb(request)
    s = kb.statements.get(statement_id)
    if s is None:
        raise ProblemError(404, "not-found", "No such statement")
    refs = [kb.references[r] for r in s.get("references") or [] if r in kb.references]
    return JSONResponse({"knowledge_base": kb_info(kb), "statement": s, "references": refs})


@router.get("/references", response_model=dict[str, Any])
def list_references(
    request: Request, q: str = Query(default="", max_length=200), limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> JSONResponse:
    kb = loaded_kb(request)
    found = search_references(kb, q)
    return JSONResponse({"knowledge_base": kb_info(kb), "total": len(found),
                         "references": found[offset:offset + limit]})


@router.get("/references/{reference_id}", response_model=dict[str, Any])
def get_reference(reference_id: str, request: Request) -> JSONResponse:
    kb = loaded_kb(request)
    r = kb.references.get(reference_id)
    if r is None:
        raise ProblemError(404, "not-found", "No such reference")
    used_by = sorted(sid for sid, s in kb.statements.items() if reference_id in (s.get("references") or []))
    return JSONResponse({"knowledge_base": kb_info(kb), "reference": r, "used_by": used_by})
