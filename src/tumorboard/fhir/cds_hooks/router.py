"""The CDS Hooks 2.0 service as a FastAPI ``APIRouter``: discovery, ``patient-view``, ``order-select``, feedback.

``create_router(config)`` returns a router to include in any FastAPI app (the tumorboard API includes it at the
root, so the services live at ``/cds-services``). Errors answer with an OperationOutcome body (as CDS Hooks 3.0
allows): 400 for a malformed request or an unreadable record, 401 for a refused token, 412 for a prefetch that is
missing with no way to fetch it, 502 when the EHR's FHIR server fails.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tumorboard.fhir.cds_hooks import cards as cardlib
from tumorboard.fhir.cds_hooks import prefetch as pf
from tumorboard.fhir.cds_hooks.auth import AuthError, Verifier
from tumorboard.fhir.cds_hooks.config import CdsConfig
from tumorboard.fhir.cds_hooks.feedback import FeedbackStore, MemoryFeedback
from tumorboard.fhir.errors import FhirError
from tumorboard.model.case import Case
from tumorboard.model.result import Result

log = logging.getLogger("tumorboard.cds")
AUTH_OFF = "Client authentication is off: no trusted issuer is configured (development only)."
VERSION = "2.0.1"

SERVICES: dict[str, dict[str, Any]] = {
    "tumorboard-patient-view": {
        "hook": "patient-view",
        "title": "tumorboard: bone metastasis and sarcoma tumour-board plan",
        "description": "Scores (SINS, ESCC and others), the ranked treatment options of the knowledge base with "
                       "their evidence and references, urgent warnings (e.g. cord compression), and missing "
                       "inputs, for patients with bone metastases or soft-tissue sarcoma. Decision support for "
                       "qualified clinicians.",
        "prefetch": pf.PATIENT_VIEW,
    },
    "tumorboard-order-select": {
        "hook": "order-select",
        "title": "tumorboard: check orders against the tumour-board plan",
        "description": "Checks selected draft ServiceRequests (e.g. radiotherapy, vertebroplasty, surgery) and "
                       "MedicationRequests (e.g. bone-modifying agents) against the patient's plan: a warning "
                       "when the plan advises against the modality, information when it matches a recommended "
                       "option.",
        "prefetch": pf.ORDER_SELECT,
    },
}


def outcome(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}]}
    return JSONResponse(body, status_code=status, headers=headers)


def create_router(
    config: CdsConfig | None = None,
    *,
    assess: Callable[[Case], Result] | None = None,
    feedback: FeedbackStore | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    store: Any = None,
    reference_date: Callable[[], date] | None = None,
) -> APIRouter:
    """The CDS Hooks router. ``assess`` defaults to ``tumorboard.engine.assess``; ``feedback`` to the store's audit
    trail when ``store`` is given, else memory; ``transport`` is for tests (httpx MockTransport)."""
    cfg = config if config is not None else CdsConfig.from_env()
    verifier = Verifier(cfg)
    if feedback is None:
        if store is not None:
            from tumorboard.fhir.cds_hooks.feedback import AuditFeedback

            feedback = AuditFeedback(store)
        else:
            feedback = MemoryFeedback()
    sink: FeedbackStore = feedback
    router = APIRouter(tags=["cds-hooks"])
    router.state = {"config": cfg, "feedback": sink, "verifier": verifier}  # type: ignore[attr-defined]

    def run_assess(case: Case, analyse_missing: bool) -> Result:
        """The assessment; ``order-select`` skips the engine's missing-input analysis (it only needs the plan)."""
        if assess is not None:
            return assess(case)
        from tumorboard.engine import assess as engine_assess

        return engine_assess(case, analyse_missing=analyse_missing)

    def audience(request: Request) -> str:
        if cfg.base_url:
            return cfg.base_url.rstrip("/") + request.url.path
        return str(request.url.replace(query=""))

    def authenticate(request: Request) -> tuple[dict[str, Any] | None, JSONResponse | None]:
        if not cfg.auth_enabled:
            return None, None
        try:
            return verifier.verify(request.headers.get("authorization"), audience(request)), None
        except AuthError as exc:
            log.info("cds auth refused", extra={"event": "cds.auth_refused", "reason": str(exc)})
            return None, outcome(401, "login", f"authentication failed: {exc}",
                                 {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    @router.get("/cds-services", summary="CDS Hooks discovery")
    def discovery(request: Request) -> JSONResponse:
        _, refused = authenticate(request)
        if refused:
            return refused
        services = []
        for sid, spec in SERVICES.items():
            entry: dict[str, Any] = {"id": sid, **spec, "version": VERSION}
            if not cfg.auth_enabled:
                entry["extension"] = {"org.tumorboard.authentication": AUTH_OFF}
            services.append(entry)
        return JSONResponse({"services": services})

    @router.post("/cds-services/{service_id}", summary="Call a CDS Hooks service")
    async def call(service_id: str, request: Request) -> JSONResponse:
        started = time.perf_counter()
        spec = SERVICES.get(service_id)
        if spec is None:
            return outcome(404, "not-found", f"no CDS service {service_id!r}")
        claims, refused = authenticate(request)
        if refused:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return outcome(400, "invalid", "the request body is not JSON")
        problem = check_request(body, spec["hook"])
        if problem:
            return outcome(400, "invalid", problem)
        async with httpx.AsyncClient(transport=transport, timeout=cfg.fhir_timeout_s,
                                     follow_redirects=False) as client:
            try:
                data, fetched = await pf.resolve(spec["prefetch"], body, client, max_pages=cfg.max_pages)
            except pf.PrefetchMissing as exc:
                return outcome(412, "incomplete", str(exc))
            except pf.FetchError as exc:
                return outcome(502, "transient", str(exc))
        bundle = pf.as_bundle(data)
        patient_id = body["context"]["patientId"]
        today = reference_date() if reference_date else None
        try:
            from tumorboard.fhir.reader import read_bundle

            extraction = await run_in_threadpool(read_bundle, bundle, reference_date=today)
        except FhirError as exc:
            return outcome(400, "structure", f"the patient record could not be read: {exc}")
        result = await run_in_threadpool(run_assess, extraction.case, spec["hook"] == "patient-view")
        report = report_link(result, extraction.case, body)
        ctx = cardlib.CardContext(result=result, case=extraction.case, extraction=extraction, report_url=report,
                                  auth_note=None if cfg.auth_enabled else AUTH_OFF,
                                  patient_ref=f"Patient/{patient_id}", fetched=fetched)
        if spec["hook"] == "patient-view":
            cards = cardlib.patient_view(ctx)
        else:
            cards = cardlib.order_select(ctx, body["context"]["draftOrders"], body["context"]["selections"])
        actor = str((claims or {}).get("iss", ""))
        await run_in_threadpool(sink.cards_issued, service_id, str(body["hookInstance"]), patient_id, cards, actor)
        log.info("cds call", extra={"event": "cds.call", "service": service_id, "hook_instance": body["hookInstance"],
                                    "cards": len(cards), "ms": round((time.perf_counter() - started) * 1000, 1)})
        return JSONResponse({"cards": cards})

    def report_link(result: Result, case: Case, body: dict[str, Any]) -> str | None:
        template = cfg.report_url or (f"{cfg.base_url.rstrip('/')}/assessments/{{id}}"
                                      if cfg.base_url and store is not None else None)
        if not template:
            return None
        if store is None or "{id}" not in template:
            return template.replace("{id}", "")
        kb = result.knowledge_base
        assessment_id = store.save_assessment(
            case=case.model_dump(mode="json", exclude_none=True), result=result.model_dump(mode="json"),
            kb_version=kb.version if kb else "", kb_hash=kb.hash if kb else "", engine_version=result.engine_version,
            source="cds-hooks", request_id=str(body.get("hookInstance", "")))
        return template.replace("{id}", assessment_id)

    @router.post("/cds-services/{service_id}/feedback", summary="Feedback on cards (idempotent on card uuid)")
    async def give_feedback(service_id: str, request: Request) -> JSONResponse:
        if service_id not in SERVICES:
            return outcome(404, "not-found", f"no CDS service {service_id!r}")
        claims, refused = authenticate(request)
        if refused:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return outcome(400, "invalid", "the request body is not JSON")
        items = body.get("feedback") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return outcome(400, "invalid", "feedback must be a non-empty array")
        for i, item in enumerate(items):
            problem = check_feedback(item)
            if problem:
                return outcome(400, "invalid", f"feedback[{i}]: {problem}")
        actor = str((claims or {}).get("iss", ""))
        stored = 0
        for item in items:
            clean = {k: item[k] for k in ("card", "outcome", "acceptedSuggestions", "overrideReason",
                                          "outcomeTimestamp") if k in item}
            if await run_in_threadpool(sink.record, service_id, clean, actor):
                stored += 1
        return JSONResponse({"stored": stored, "duplicates": len(items) - stored})

    return router


def check_request(body: Any, hook: str) -> str | None:
    """What is wrong with a hook request (None when it is well-formed)."""
    if not isinstance(body, dict):
        return "the request must be a JSON object"
    if body.get("hook") != hook:
        return f"hook must be {hook!r} for this service"
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        return "hookInstance is required"
    if body.get("fhirAuthorization") is not None:
        auth = body["fhirAuthorization"]
        if not body.get("fhirServer"):
            return "fhirServer is required with fhirAuthorization"
        if not isinstance(auth, dict) or not auth.get("access_token") or auth.get("token_type") != "Bearer":
            return "fhirAuthorization needs access_token and token_type 'Bearer'"
    context = body.get("context")
    if not isinstance(context, dict):
        return "context is required"
    for key in ("userId", "patientId"):
        if not isinstance(context.get(key), str) or not context[key]:
            return f"context.{key} is required"
    if not pf.SAFE_ID.match(context["patientId"]):
        return "context.patientId is not a FHIR id"
    if hook == "order-select":
        if not isinstance(context.get("selections"), list):
            return "context.selections is required"
        orders = context.get("draftOrders")
        if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
            return "context.draftOrders must be a Bundle"
    prefetch = body.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        return "prefetch must be an object"
    return None


def check_feedback(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "must be an object"
    if not isinstance(item.get("card"), str) or not item["card"]:
        return "card (the card's uuid) is required"
    if item.get("outcome") not in ("accepted", "overridden"):
        return "outcome must be 'accepted' or 'overridden'"
    if not isinstance(item.get("outcomeTimestamp"), str):
        return "outcomeTimestamp is required"
    reason = item.get("overrideReason")
    if reason is not None and not isinstance(reason, dict):
        return "overrideReason must be an object"
    return None
