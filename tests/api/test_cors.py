"""CORS for browser-based EHR clients is off unless the operator lists origins (TUMORBOARD_CORS_ORIGINS)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tumorboard.api import create_app
from tumorboard.store import Store


def _preflight(client: TestClient, origin: str) -> dict[str, str]:
    r = client.options("/cds-services", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    return dict(r.headers)


def test_no_cors_by_default(store: Store) -> None:
    with TestClient(create_app(store, background=False, web=False)) as c:
        assert "access-control-allow-origin" not in _preflight(c, "https://sandbox.example.org")


def test_listed_origin_is_allowed(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_CORS_ORIGINS", "https://sandbox.example.org")
    with TestClient(create_app(store, background=False, web=False)) as c:
        headers = _preflight(c, "https://sandbox.example.org")
        assert headers.get("access-control-allow-origin") == "https://sandbox.example.org"
        assert "access-control-allow-origin" not in _preflight(c, "https://elsewhere.example.org")
