"""The pages: Assess, the result report (print, PDF, Markdown), Ask, Calculators and the knowledge-base browser.

Server-rendered with Jinja2; htmx (vendored, no CDN) only for the live calculators. Every page works without
JavaScript. When API keys exist the pages need one too (a sign-in form sets an HttpOnly, SameSite=Strict cookie).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from tumorboard import __version__
from tumorboard.api import fields as F
from tumorboard.api.problems import ProblemError, case_errors
from tumorboard.api.routers.knowledge import review_status, search_references, search_statements
from tumorboard.api.security import COOKIE
from tumorboard.api.services import QA_MISSING, TEXT_MISSING, NotAvailable, Services
from tumorboard.model.parse import CaseError
from tumorboard.web.charts import score_chart

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(score_chart=score_chart, status_of=review_status, version=__version__)
router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 2000


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def services_of(request: Request) -> Services:
    s: Services = request.app.state.services
    return s


def actor(request: Request) -> str:
    """``open`` without keys; else the cookie's key must be valid (otherwise: the sign-in page)."""
    check = request.app.state.keys
    result = check.actor(request.cookies.get(COOKIE))
    if result is None:
        raise LoginRequired(request.url.path)
    request.scope.setdefault("state", {})["actor"] = result
    return str(result)


def render(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
    kb = services_of(request).kb_if_loaded()
    return templates.TemplateResponse(request, name, {"kb": kb, **context}, status_code=code)


SCORE_KEYS = ("value", "min", "max", "band", "lesion", "level", "interpretation")


def with_defaults(score: dict[str, Any]) -> dict[str, Any]:
    """A score as the templates expect it: absent optional keys present as None (JSON omits them)."""
    out = {k: None for k in SCORE_KEYS} | score
    blank = {"field": None, "value": None, "category": None, "points": None, "possible": None, "note": None}
    out["inputs"] = {k: blank | (v if isinstance(v, dict) else {}) for k, v in (out.get("inputs") or {}).items()}
    if isinstance(out.get("by_lesion"), dict):
        out["by_lesion"] = {k: with_defaults(v) for k, v in out["by_lesion"].items()}
    return out


def message(request: Request, title: str, text: str, status: int = 200,
            links: list[tuple[str, str]] | None = None) -> HTMLResponse:
    return render(request, "message.html", status, title=title, message=text, links=links or [], nav="")


async def form_lists(request: Request) -> dict[str, list[str]]:
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value[:200_000])
    return out


def demo(name: str) -> str:
    path = HERE / "examples" / name
    return path.read_text(encoding="utf-8")


# -- assess -----------------------------------------------------------------------------------------------------------
def _assess_page(request: Request, *, values: dict[str, Any], lesion_count: int = 1, status: int = 200,
                 errors: list[dict[str, Any]] | None = None, extraction: dict[str, Any] | None = None,
                 note: str = "", source: str = "form") -> HTMLResponse:
    services = services_of(request)
    facts: dict[str, str] = {}
    for fact in (extraction or {}).get("facts") or []:
        if isinstance(fact, dict) and fact.get("path"):
            facts.setdefault(str(fact["path"]), str(fact.get("snippet") or ""))
    field_errors: dict[str, str] = {}
    for e in errors or []:
        field_errors[_form_path(e["path"], values)] = e["message"]
    return render(
        request, "assess_form.html", status, nav="/assess", sections=F.case_sections(),
        lesion_fields=F.lesion_fields(), values=values, lesion_count=max(1, lesion_count), errors=errors or [],
        field_errors=field_errors, facts=facts, extraction=extraction, note=note, source=source,
        extraction_json=json.dumps(extraction) if extraction else "", text_available=services.text is not None,
    )


def _form_path(path: str, values: dict[str, Any]) -> str:
    """Error paths name lesions by id (lesions.L1.x); form fields by position (lesions.0.x)."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] == "lesions" and not parts[1].isdigit():
        for key, value in values.items():
            if key.endswith(".id") and key.startswith("lesions.") and value == parts[1]:
                return ".".join(["lesions", key.split(".")[1], *parts[2:]])
    return path


def _lesion_count(values: dict[str, Any]) -> int:
    idx = {int(k.split(".")[1]) for k in values if k.startswith("lesions.") and k.split(".")[1].isdigit()}
    return max(idx) + 1 if idx else 1


@router.get("/", response_class=HTMLResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/assess", status_code=303)


@router.get("/assess", response_class=HTMLResponse)
def assess_form(request: Request, example: str = "", from_: str = "") -> HTMLResponse:
    actor(request)
    values: dict[str, Any] = {}
    source_id = request.query_params.get("from", "")
    if example == "sacrum-sts":
        import yaml

        values = F.form_from_case(yaml.safe_load(demo("sacrum-sts.yaml")))
    elif source_id and len(source_id) == 32:
        stored = services_of(request).store.get_assessment(source_id)
        if stored is not None:
            values = F.form_from_case(stored.case)
    return _assess_page(request, values=values, lesion_count=_lesion_count(values))


@router.post("/assess", response_class=HTMLResponse)
async def assess_submit(request: Request) -> Response:
    who = actor(request)
    form = await form_lists(request)
    try:
        count = min(20, max(1, int((form.get("lesion_count") or ["1"])[-1])))
    except ValueError:
        count = 1
    values = {k: (v if len(v) > 1 or (F.field_index().get(_generic(k)) or F.FieldSpec("", "", "text")).kind
                  == "multi" else v[-1]) for k, v in form.items()}
    extraction = None
    if form.get("extraction"):
        try:
            extraction = json.loads(form["extraction"][-1])
        except ValueError:
            extraction = None
    source = "text" if (form.get("source") or [""])[-1] == "text" else "form"
    if (form.get("action") or [""])[-1] == "add_lesion":
        return _assess_page(request, values=values, lesion_count=count + 1, extraction=extraction, source=source)
    data = F.case_from_form(form, lesion_count=count)
    services = services_of(request)
    try:
        outcome = await run_in_threadpool(services.assess_data, data, source=source, actor=who,
                                          request_id=request.scope["state"].get("request_id", ""),
                                          extraction=extraction)
    except CaseError as exc:
        return _assess_page(request, values=values, lesion_count=count, status=422, errors=case_errors(exc),
                            extraction=extraction, source=source)
    except NotAvailable as exc:
        return message(request, "Not ready", exc.detail, 503)
    return RedirectResponse(f"/assessments/{outcome.id}", status_code=303)


def _generic(name: str) -> str:
    parts = name.split(".")
    return "lesion." + ".".join(parts[2:]) if parts[0] == "lesions" and len(parts) > 2 else name


@router.get("/assess/extract", response_class=HTMLResponse)
async def extract_demo(request: Request, example: str = "") -> Response:
    actor(request)
    if example != "sacrum-sts":
        return RedirectResponse("/assess", status_code=303)
    return await _extract(request, demo("sacrum-sts.txt").strip())


@router.post("/assess/extract", response_class=HTMLResponse)
async def extract_submit(request: Request) -> Response:
    actor(request)
    form = await form_lists(request)
    note = (form.get("note") or [""])[-1]
    if not note.strip():
        return _assess_page(request, values={}, errors=[{"path": "note", "message": "paste a note first"}],
                            status=422)
    return await _extract(request, note)


async def _extract(request: Request, note: str) -> Response:
    services = services_of(request)
    if services.text is None:
        return message(request, "Text extraction not available", TEXT_MISSING, 501, [("/assess", "Use the form")])
    try:
        extraction = await run_in_threadpool(services.extract, note)
    except NotAvailable as exc:
        return message(request, "Text extraction not available", exc.detail, 503)
    values = F.form_from_case(extraction["case"])
    return _assess_page(request, values=values, lesion_count=_lesion_count(values), extraction=extraction,
                        note=note, source="text")


# -- the result -------------------------------------------------------------------------------------------------------
def report_context(services: Services, assessment_id: str) -> dict[str, Any] | None:
    stored = services.store.get_assessment(assessment_id) if len(assessment_id) == 32 else None
    if stored is None:
        return None
    result = stored.result
    plan = result.get("plan")
    kb = services.kb_if_loaded()
    # numbered references: the result's own list first, then every id cited by the plan and the scores
    refs: list[dict[str, Any]] = [r for r in result.get("references") or [] if isinstance(r, dict) and "id" in r]
    known = {r["id"] for r in refs}
    cited: list[str] = []
    for section in ("warnings", "options", "avoid", "assessment", "monitoring", "pitfalls"):
        for o in (plan or {}).get(section) or []:
            cited.extend(o.get("references") or [])
    for score in (result.get("scores") or {}).values():
        cited.extend(score.get("references") or [])
    for rid in dict.fromkeys(cited):
        if rid not in known:
            ref = (kb.references.get(rid) if kb is not None else None) or {"id": rid}
            refs.append(ref)
            known.add(rid)
    refnum = {r["id"]: i + 1 for i, r in enumerate(refs)}
    if plan and plan.get("missing"):
        missing = plan["missing"]
    else:
        affects: dict[str, list[str]] = {}
        for key, score in (result.get("scores") or {}).items():
            for m in score.get("missing") or []:
                affects.setdefault(m, []).append(score.get("name") or key)
        missing = [{"field": m, "could_change": affects.get(m, [])} for m in result.get("missing") or []]
    bands = {key: F.score_form(key).bands for key in result.get("scores") or {} if _known_score(key)}
    return {
        "assessment_id": stored.id, "created_at": stored.created_at, "source": stored.source, "result": result,
        "plan": plan, "scores": {k: with_defaults(v) for k, v in (result.get("scores") or {}).items()},
        "references": refs, "refnum": refnum,
        "missing": missing, "bands": bands, "kb_version": stored.kb_version,
        "review_status": result.get("review_status", "draft"), "inputs_from_text": result.get("inputs_from_text"),
    }


def _known_score(key: str) -> bool:
    from tumorboard.scores import REGISTRY

    return key in REGISTRY


@router.get("/assessments/{assessment_id}.pdf")
async def assessment_pdf(request: Request, assessment_id: str) -> Response:
    actor(request)
    ctx = report_context(services_of(request), assessment_id)
    if ctx is None:
        return message(request, "Not found", "No stored assessment has this id.", 404)
    from tumorboard.web.pdf import report_pdf

    data = await run_in_threadpool(report_pdf, ctx)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="tumorboard-{assessment_id[:8]}.pdf"'})


@router.get("/assessments/{assessment_id}.md")
def assessment_markdown(request: Request, assessment_id: str) -> Response:
    actor(request)
    stored = services_of(request).store.get_assessment(assessment_id) if len(assessment_id) == 32 else None
    if stored is None:
        return message(request, "Not found", "No stored assessment has this id.", 404)
    from tumorboard.model.result import Result
    from tumorboard.render.report import markdown_report

    try:
        text = markdown_report(Result.model_validate(stored.result))
    except Exception:  # a result stored by another engine version: fall back to the JSON
        text = "```json\n" + json.dumps(stored.result, indent=2) + "\n```\n"
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def assessment_page(request: Request, assessment_id: str) -> HTMLResponse:
    actor(request)
    ctx = report_context(services_of(request), assessment_id)
    if ctx is None:
        return message(request, "Not found", "No stored assessment has this id.", 404)
    return render(request, "result.html", nav="/assess", **ctx)


# -- ask --------------------------------------------------------------------------------------------------------------
@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, conversation: str = "") -> HTMLResponse:
    actor(request)
    services = services_of(request)
    turns = services.store.conversation(conversation) if len(conversation) == 32 else []
    available, reason = _qa_state(services)
    return render(request, "ask.html", nav="/ask", available=available, reason=reason, turns=turns,
                  conversation_id=conversation if turns else "",
                  audience=turns[-1].audience if turns else "clinician")


def _qa_state(services: Services) -> tuple[bool, str]:
    if services.qa is None:
        return False, QA_MISSING
    if services.qa.state == "failed":
        try:
            services.qa.get(0)
        except NotAvailable as exc:
            return False, exc.detail
    return True, ""


@router.post("/ask", response_class=HTMLResponse)
async def ask_submit(request: Request) -> Response:
    who = actor(request)
    services = services_of(request)
    available, reason = _qa_state(services)
    if not available:
        return render(request, "ask.html", 501, nav="/ask", available=False, reason=reason, turns=[],
                      conversation_id="", audience="clinician")
    form = await form_lists(request)
    question = (form.get("question") or [""])[-1].strip()[:4000]
    audience = "patient" if (form.get("audience") or [""])[-1] == "patient" else "clinician"
    conv = (form.get("conversation_id") or [""])[-1]
    conv_id = conv if len(conv) == 32 and services.store.conversation_exists(conv) else None
    if not question:
        return RedirectResponse("/ask" + (f"?conversation={conv_id}" if conv_id else ""), status_code=303)
    try:
        conv_id, _, _ = await run_in_threadpool(services.ask, question, audience=audience, conversation_id=conv_id,
                                                actor=who, request_id=request.scope["state"].get("request_id", ""))
    except NotAvailable as exc:
        return render(request, "ask.html", 503, nav="/ask", available=False, reason=exc.detail, turns=[],
                      conversation_id="", audience=audience)
    return RedirectResponse(f"/ask?conversation={conv_id}", status_code=303)


# -- calculators ------------------------------------------------------------------------------------------------------
def _calc_fields(key: str) -> list[tuple[F.FieldSpec, str]]:
    form = F.score_form(key)
    return [(f, "lesions.0." + f.path[7:] if f.path.startswith("lesion.") else f.path) for f in form.fields]


def _calc_result(key: str, form: dict[str, list[str]], kb: Any) -> dict[str, Any]:
    from tumorboard.model.parse import parse_case_data
    from tumorboard.scores import REGISTRY, compute

    spec = F.score_form(key)
    if spec.regions and not any(v.strip() for v in form.get("lesions.0.region") or []):
        form = {**form, "lesions.0.region": [spec.regions[0]]}
    data = F.case_from_form(form)
    if spec.regions and data.get("lesions"):
        data["lesions"][0]["id"] = "L1"
    try:
        result = compute(key, parse_case_data(data).case)
    except CaseError as exc:
        return {"error": "; ".join(str(e) for e in exc.errors), "score": None, "bands": spec.bands}
    score = with_defaults(result.model_dump(mode="json", exclude_none=True)) if result is not None else None
    if score is not None:
        score.pop("by_lesion", None)
    refs = [(kb.references.get(r) if kb is not None else None) or {"id": r} for r in REGISTRY[key].references]
    return {"score": score, "bands": spec.bands, "references": refs, "error": ""}


@router.get("/calculators", response_class=HTMLResponse)
def calculators(request: Request) -> HTMLResponse:
    actor(request)
    from tumorboard.scores import REGISTRY

    return render(request, "calculators.html", nav="/calculators", scores=list(REGISTRY.values()))


@router.api_route("/calculators/{key}", methods=["GET", "POST"], response_class=HTMLResponse)
async def calculator(request: Request, key: str) -> HTMLResponse:
    actor(request)
    from tumorboard.scores import REGISTRY

    if key not in REGISTRY:
        return message(request, "Unknown score", "There is no calculator with this name.", 404,
                       [("/calculators", "All calculators")])
    form = await form_lists(request) if request.method == "POST" else {}
    if request.method == "GET":
        form = {k: request.query_params.getlist(k) for k in request.query_params}
    kb = services_of(request).kb_if_loaded()
    ctx = await run_in_threadpool(_calc_result, key, form, kb)
    if request.headers.get("HX-Request") == "true":
        return render(request, "_score_result.html", **ctx)
    values = {k: (v if len(v) > 1 or k.endswith((".levels", ".structures", "_sites")) else v[-1])
              for k, v in form.items() if v}
    return render(request, "calculator.html", nav="/calculators", spec=REGISTRY[key], fields=_calc_fields(key),
                  values=values, **ctx)


# -- knowledge base ---------------------------------------------------------------------------------------------------
@router.get("/knowledge", response_class=HTMLResponse)
def kb_statements(request: Request, q: str = "", topic: str = "", status: str = "") -> HTMLResponse:
    actor(request)
    kb = services_of(request).kb
    found = search_statements(kb, q[:200], topic[:64], status[:32]) if kb.loaded else []
    return render(request, "kb_statements.html", nav="/knowledge", kb=kb, statements=found, q=q, topic=topic,
                  status=status, topics=kb.topics())


@router.get("/knowledge/statements/{statement_id}", response_class=HTMLResponse)
def kb_statement(request: Request, statement_id: str) -> HTMLResponse:
    actor(request)
    kb = services_of(request).kb
    s = kb.statements.get(statement_id)
    if s is None:
        return message(request, "Not found", "No statement has this id.", 404, [("/knowledge", "Knowledge base")])
    import yaml

    conditions = yaml.safe_dump({k: s[k] for k in ("scope", "applies_when", "not_when") if s.get(k)},
                                sort_keys=False, allow_unicode=True)
    refs = [kb.references.get(r) or {"id": r} for r in s.get("references") or []]
    return render(request, "kb_statement.html", nav="/knowledge", kb=kb, s=s, refs=refs, conditions=conditions)


@router.get("/knowledge/references", response_class=HTMLResponse)
def kb_references(request: Request, q: str = "") -> HTMLResponse:
    actor(request)
    kb = services_of(request).kb
    return render(request, "kb_references.html", nav="/knowledge", kb=kb,
                  references=search_references(kb, q[:200]) if kb.loaded else [], q=q)


@router.get("/knowledge/references/{reference_id}", response_class=HTMLResponse)
def kb_reference(request: Request, reference_id: str) -> HTMLResponse:
    actor(request)
    kb = services_of(request).kb
    r = kb.references.get(reference_id)
    if r is None:
        return message(request, "Not found", "No reference has this id.", 404, [("/knowledge", "Knowledge base")])
    used_by = sorted(sid for sid, s in kb.statements.items() if reference_id in (s.get("references") or []))
    return render(request, "kb_reference.html", nav="/knowledge", kb=kb, r=r, used_by=used_by)


# -- sign-in (only when API keys exist) -------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/assess") -> HTMLResponse:
    return render(request, "login.html", nav="", next=_safe_next(next), error="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await form_lists(request)
    key = (form.get("key") or [""])[-1].strip()
    nxt = _safe_next((form.get("next") or ["/assess"])[-1])
    if request.app.state.keys.name(key) is None:
        return render(request, "login.html", 401, nav="", next=nxt, error="That key is not valid.")
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=12 * 3600)
    return response


def _safe_next(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") and len(url) < 300 else "/assess"


def attach(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login?next=" + quote(exc.next_url), status_code=303)

    _ = ProblemError  # the API's errors stay problem+json; pages answer with HTML
