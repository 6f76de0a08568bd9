"""The FastAPI application: ``create_app()`` wires the store, the services, the routers and the web pages."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from tumorboard import __version__
from tumorboard.api.middleware import RequestContext
from tumorboard.api.problems import ERRORS, MEDIA_TYPE, ProblemError, from_error, problem_response
from tumorboard.api.security import KeyCheck
from tumorboard.api.services import Services
from tumorboard.store import Store, StoreUnavailable

log = logging.getLogger("tumorboard.api")
MAX_BODY = int(os.environ.get("TUMORBOARD_MAX_BODY_BYTES", str(2 * 1024 * 1024)))


def create_app(store: Store | None = None, *, services: Services | None = None, web: bool = True,
               background: bool = True) -> FastAPI:
    """The application. ``store`` defaults to ``Store()`` (TUMORBOARD_DATABASE_URL or the user's SQLite file)."""
    if services is None:
        services = Services(store or Store())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if background:
            services.start_background()
        yield

    app = FastAPI(
        title="tumorboard", version=__version__, lifespan=lifespan, docs_url="/docs", redoc_url=None,
        description="Transparent decision support for metastatic bone disease and soft-tissue sarcoma. Every "
        "result shows its inputs, logic and sources. Decision support for qualified clinicians only.",
    )
    app.state.services = services
    app.state.keys = KeyCheck(services.store)
    origins = [o.strip() for o in os.environ.get("TUMORBOARD_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:  # browser-based EHR clients (e.g. a CDS Hooks sandbox): allowed origins are the operator's choice
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type", "X-API-Key"], max_age=600)

    from tumorboard.api.routers import ask, assess, assessments, health, knowledge, scores

    app.include_router(health.router)
    for module in (assess, assessments, ask, scores, knowledge):
        app.include_router(module.router, prefix="/v1")
    from tumorboard.api.services import module_available

    if module_available("tumorboard.fhir.api"):  # FHIR and CDS Hooks (issue 8), when installed
        from tumorboard.fhir.api import create_assessment_fhir_router
        from tumorboard.fhir.cds_hooks import CdsConfig, create_router

        app.include_router(create_assessment_fhir_router(), prefix="/v1", responses=ERRORS)
        app.include_router(create_router(CdsConfig.from_env(), store=services.store))  # /cds-services (client JWT)
    if web:
        from tumorboard.web import mount

        mount(app)

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return from_error(request, exc)

    @app.exception_handler(StoreUnavailable)
    async def _not_stored(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return problem_response(request, 503, "not-stored", "Not stored",
                                "the write could not be committed, so nothing of this request was kept; try again",
                                headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed"}
        return problem_response(request, exc.status_code, "http-" + str(exc.status_code),
                                titles.get(exc.status_code, "HTTP error"), str(exc.detail)[:300],
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"path": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body",)),
                   "message": str(e.get("msg", "")), "value": None,
                   "allowed": [str(x) for x in (e.get("ctx") or {}).get("expected", "").split(",") if x.strip()]}
                  for e in exc.errors()]
        return problem_response(request, 422, "invalid-request", "Invalid request",
                                "; ".join(f"{e['path']}: {e['message']}" for e in errors)[:500], errors)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"event": "error", "error": type(exc).__name__,
                                            "request_id": request.scope.get("state", {}).get("request_id")})
        return problem_response(request, 500, "internal", "Internal error",
                                "the error was logged with this request id")

    app.add_middleware(RequestContext, max_body=MAX_BODY)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus the case format's models, and problem+json for every error response."""
    if app.openapi_schema:
        return app.openapi_schema
    from tumorboard.api.schemas import AskIn, TextIn
    from tumorboard.model.case import Case

    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Case, TextIn, AskIn):
        js = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in js.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[model.__name__] = js
    components["Case"]["required"] = ["format"]
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for code, response in op.get("responses", {}).items():
                content = response.get("content")
                problem_schema = "Problem" in json.dumps((content or {}).get("application/json", {}))
                if (code == "default" or str(code)[0] in "45") and problem_schema and content:
                    response["content"] = {MEDIA_TYPE: content.pop("application/json")}
    app.openapi_schema = schema
    return schema
