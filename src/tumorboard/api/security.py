"""API keys. With no key in the store the API is open (and the server binds 127.0.0.1 only); once a key exists
every ``/v1`` call needs a valid ``X-API-Key``. Lookups are cached briefly so that a key costs one hash per request."""

from __future__ import annotations

import threading
import time

from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from tumorboard.api.problems import ProblemError
from tumorboard.store import Store

HEADER = "X-API-Key"
COOKIE = "tumorboard_key"
api_key_header = APIKeyHeader(name=HEADER, auto_error=False,
                              description="Needed once any key exists (`tumorboard users add-key NAME`).")


class KeyCheck:
    """Cached answers to 'are there keys?' and 'is this key valid?' (revocation takes effect within ``ttl``)."""

    def __init__(self, store: Store, ttl: float = 5.0) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._any: tuple[float, bool] = (0.0, False)
        self._keys: dict[str, tuple[float, str | None]] = {}

    def any_keys(self) -> bool:
        now = time.monotonic()
        expires, value = self._any
        if now < expires:
            return value
        value = self.store.has_api_keys()
        self._any = (now + self.ttl, value)
        return value

    def name(self, key: str) -> str | None:
        now = time.monotonic()
        hit = self._keys.get(key)
        if hit and now < hit[0]:
            return hit[1]
        name = self.store.check_api_key(key)
        with self._lock:
            if len(self._keys) > 1000:
                self._keys.clear()
            self._keys[key] = (now + self.ttl, name)
        return name

    def cached_actor(self, key: str | None) -> str | bool | None:
        """``actor(key)`` from the cache alone, or False when it would need the store (no I/O: safe in the loop)."""
        now = time.monotonic()
        expires, any_keys = self._any
        if now >= expires:
            return False
        if not any_keys:
            return "open"
        if not key:
            return None
        hit = self._keys.get(key)
        if hit is None or now >= hit[0]:
            return False
        return None if hit[1] is None else "key:" + key.split("_")[1]

    def actor(self, key: str | None) -> str | None:
        """``open`` when no key exists, ``key:<id>`` for a valid key, None when a key is needed and not valid."""
        if not self.any_keys():
            return "open"
        if not key:
            return None
        name = self.name(key)
        if name is None:
            return None
        return "key:" + key.split("_")[1]


async def require_key(request: Request, key: str | None = Security(api_key_header)) -> str:
    """An async dependency (FastAPI would run a plain function in a worker thread): the cached answer when there is
    one, the store in a worker thread otherwise (at most once per key per ``ttl``)."""
    check: KeyCheck = request.app.state.keys
    actor = check.cached_actor(key)
    if actor is False:
        actor = await run_in_threadpool(check.actor, key)
    assert actor is not True
    if actor is None:
        raise ProblemError(401, "unauthorized", "API key required",
                           f"send a valid key in the {HEADER} header (create one with `tumorboard users add-key`)",
                           headers={"WWW-Authenticate": HEADER})
    request.scope.setdefault("state", {})["actor"] = actor
    return actor
