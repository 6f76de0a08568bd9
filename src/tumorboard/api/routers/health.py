"""``/healthz`` (the process answers) and ``/readyz`` (the knowledge base is loaded)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tumorboard import __version__
from tumorboard.api.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__})


@router.get("/readyz", response_model=Ready, responses={503: {"model": Ready, "description": "Not ready yet."}})
def readyz(request: Request) -> JSONResponse:
    services = request.app.state.services
    kb = services.kb_if_loaded()
    parts = {name: part.state if part is not None else "not_installed"
             for name, part in (("text", services.text), ("ask", services.qa))}
    if kb is None:
        info = {"loaded": False, "state": "loading"}
    else:
        info = {"loaded": kb.loaded, "source": kb.source, "version": kb.version, "hash": kb.hash,
                "statements": len(kb.statements), "references": len(kb.references)}
        if kb.error:
            info["error"] = kb.error.splitlines()[0][:300]
    ready = kb is not None and kb.loaded
    from tumorboard.store import redact

    body = {"status": "ready" if ready else "not_ready", "knowledge_base": info, "parts": parts,
            "database": services.store.dialect + ":" + redact(services.store.url).split("://", 1)[-1][-60:]}
    return JSONResponse(body, status_code=200 if ready else 503)
