"""Pure ASGI middleware: request ids, the body-size limit (413) and one JSON access-log line per request."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tumorboard.api.problems import MEDIA_TYPE, PROBLEM_TYPE

log = logging.getLogger("tumorboard.api.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_PREFIX = secrets.token_hex(8)  # per process; request ids are this and a counter (uuid4 per request costs more)
_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """32 hex characters, unique per process start and request (not secret: ids only correlate logs)."""
    return f"{_PREFIX}{next(_COUNTER):016x}"


class BodyTooLarge(Exception):
    pass


def _problem(status: int, kind: str, title: str, detail: str, request_id: str, path: str) -> bytes:
    import json

    return json.dumps({"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail,
                       "instance": path, "request_id": request_id, "errors": []}).encode()


class RequestContext:
    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if given and REQUEST_ID.match(given) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 0}
        path = scope.get("path", "")
        rid_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        async def reply(code: int, kind: str, title: str, detail: str) -> None:
            body = _problem(code, kind, title, detail, request_id, path)
            await send_with_id({"type": "http.response.start", "status": code,
                                "headers": [(b"content-type", MEDIA_TYPE.encode()),
                                            (b"content-length", str(len(body)).encode())]})
            await send_with_id({"type": "http.response.body", "body": body})

        limit = self.max_body
        length = headers.get(b"content-length")
        try:
            too_big = length is not None and int(length) > limit
        except ValueError:
            too_big = True
        if too_big:
            await reply(413, "too-large", "Request body too large", f"the limit is {limit} bytes")
            self._log(scope, request_id, 413, started)
            return
        seen = {"n": 0}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["n"] += len(message.get("body", b""))
                if seen["n"] > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            if status["code"] == 0:
                await reply(413, "too-large", "Request body too large", f"the limit is {limit} bytes")
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id, "event": "error"})
            if status["code"] == 0:
                await reply(500, "internal", "Internal error", "the error was logged with this request id")
        self._log(scope, request_id, status["code"] or 500, started, scope.get("state", {}))

    @staticmethod
    def _log(scope: Scope, request_id: str, status: int, started: float, state: dict[str, Any] | None = None) -> None:
        state = state or {}
        route = scope.get("route")
        extra = {
            "event": "request",
            "request_id": request_id,
            "method": scope.get("method"),
            "route": _route_path(scope, getattr(route, "path", None)),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        for key in ("actor", "assessment_id", "conversation_id"):
            if state.get(key):
                extra[key] = state[key]
        log.info("request", extra=extra)


def _route_path(scope: Scope, path: str | None) -> str:
    """The route template (ids stay out of the logs' route field); included routers may report it unprefixed."""
    if not path:
        return "unmatched"
    actual = str(scope.get("path", ""))
    if actual.startswith("/v1/") and not path.startswith("/v1"):
        return "/v1" + path
    return path
