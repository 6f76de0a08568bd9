"""POST /v1/assess under concurrency: requests share commits (group commit), each answers 200 only once its own row
and audit event are committed, and a failed commit fails every request in it (503, nothing stored)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse

from tumorboard.api import create_app
from tumorboard.api.routers.assess import render
from tumorboard.api.services import Prepared
from tumorboard.store import AssessmentWrite, Store


async def _burst(app: Any, case: dict[str, object], n: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return list(await asyncio.gather(*(client.post("/v1/assess", json=case, headers={"X-Request-ID": f"b{i}"})
                                           for i in range(n))))


def _hold_first_commit(store: Store) -> threading.Event:
    """Make the first commit wait (as a slow fsync would) so that the other requests queue behind it."""
    release = threading.Event()
    original = store._write_assessments

    def held(items: list[AssessmentWrite]) -> None:
        release.wait(5)
        original(items)

    store._write_assessments = held  # type: ignore[method-assign]
    threading.Timer(0.5, release.set).start()
    return release


def test_concurrent_requests_share_commits_each_row_committed(store: Store, demo_case: dict[str, object]) -> None:
    app = create_app(store, background=False, web=False)
    first = asyncio.run(_burst(app, demo_case, 1))[0]  # computes the shared result
    assert first.status_code == 200
    _hold_first_commit(store)
    responses = asyncio.run(_burst(app, demo_case, 30))
    assert [r.status_code for r in responses] == [200] * 30
    ids = [r.json()["id"] for r in responses]
    assert len(set(ids)) == 30 and store.count("assessments") == 31
    assert store.writer.stats.batches < 31 and store.writer.stats.largest > 1
    report = store.verify_audit()
    assert report.ok and report.checked == 31, report.describe()
    by_subject = {e["subject"]: e["request_id"] for e in store.audit_events(limit=100)}
    assert all(by_subject[r.json()["id"]] == r.headers["x-request-id"] for r in responses)
    stored = store.get_assessment(ids[-1])
    assert stored is not None and stored.result == first.json()["result"] and stored.case == demo_case


def test_failed_commit_fails_every_request(store: Store, demo_case: dict[str, object]) -> None:
    app = create_app(store, background=False, web=False)
    assert asyncio.run(_burst(app, demo_case, 1))[0].status_code == 200

    def refused(items: list[AssessmentWrite]) -> None:
        raise OSError("disk I/O error")

    store._write_assessments = refused  # type: ignore[method-assign]
    responses = asyncio.run(_burst(app, demo_case, 12))
    assert [r.status_code for r in responses] == [503] * 12
    for r in responses:
        body = r.json()
        assert r.headers["content-type"] == "application/problem+json" and body["type"].endswith("/not-stored")
        assert r.headers["retry-after"] == "1" and "disk" not in r.text and "Traceback" not in r.text
    assert store.count("assessments") == 1 and store.verify_audit().ok


@pytest.mark.parametrize("extraction", [None, {"facts": [{"path": "patient.age", "snippet": "é 70"}]}])
def test_rendered_body_is_what_jsonresponse_gives(store: Store, demo_case: dict[str, object],
                                                  extraction: dict[str, Any] | None) -> None:
    from tumorboard.api.services import Services

    services = Services(store)
    prepared = services.prepare(demo_case)
    prepared = Prepared(prepared.case, prepared.case_doc, prepared.shared, extraction)
    aid = "0123456789abcdef0123456789abcdef"
    expected = {"id": aid, "result": prepared.shared.data,
                **({"extraction": extraction} if extraction is not None else {}),
                "links": {"self": f"/v1/assessments/{aid}", "report": f"/assessments/{aid}"}}
    assert render(aid, prepared) == JSONResponse(expected).body


def test_heap_frozen_after_background_loading(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Once the heavy parts are loaded the heap goes to the collector's permanent generation (no long GC pauses)."""
    import gc
    import logging

    from tumorboard.api.services import Services

    services = Services(store)
    services.text = services.qa = None
    try:
        with caplog.at_level(logging.INFO, logger="tumorboard"):
            services.start_background()
            for _ in range(100):
                if gc.get_freeze_count():
                    break
                threading.Event().wait(0.1)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
