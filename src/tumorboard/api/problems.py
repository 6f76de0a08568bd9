"""RFC 9457 problem details: every error of the API is ``application/problem+json`` with the field paths and the
allowed values; no stack trace ever reaches a response."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from tumorboard.model.parse import CaseError

PROBLEM_TYPE = "https://tumorboard.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    path: str = Field(description="Case-format field path (lesions by id), or '' for the whole document.")
    message: str
    value: Any = None
    allowed: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    request_id: str = ""
    errors: list[FieldProblem] = Field(default_factory=list)


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, kind: str, title: str, detail: str = "",
                 errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or title)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def _safe_value(value: Any) -> Any:
    """Echo a bad value only when it is small and scalar (never a whole document back)."""
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "…"
    return None


def case_errors(exc: CaseError) -> list[dict[str, Any]]:
    return [
        {"path": e.path, "message": e.message, "value": _safe_value(e.value), "allowed": list(e.allowed)}
        for e in exc.errors
    ]


def problem_response(request: Request | None, status: int, kind: str, title: str, detail: str = "",
                     errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None,
                     request_id: str = "", path: str = "") -> JSONResponse:
    if request is not None:
        request_id = request_id or str(request.scope.get("state", {}).get("request_id", ""))
        path = path or request.url.path
    body = {"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail, "instance": path,
            "request_id": request_id, "errors": errors or []}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_error(request: Request, exc: ProblemError) -> JSONResponse:
    return problem_response(request, exc.status, exc.kind, exc.title, exc.detail, exc.errors, exc.headers)


def invalid_case(exc: CaseError) -> ProblemError:
    n = len(exc.errors)
    return ProblemError(422, "invalid-case", "Invalid case",
                        f"{n} invalid field{'s' if n != 1 else ''}: " + "; ".join(str(e) for e in exc.errors[:5]),
                        case_errors(exc))


ERRORS: dict[int | str, dict[str, Any]] = {
    "default": {"model": Problem, "description": "A problem (RFC 9457): 400 malformed body, 401 API key needed, "
                "404 unknown id, 413 body too large, 415 wrong content type, 422 invalid input with field paths "
                "and allowed values, 501 part not installed, 503 not ready."},
}
