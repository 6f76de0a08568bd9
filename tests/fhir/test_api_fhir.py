"""``GET /v1/assessments/{id}/fhir`` on a stored assessment (router tested on a bare FastAPI app)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fhir.cds_support import fixed_assess
from tests.fhir.conftest import REF, bundle
from tumorboard.fhir import read_bundle


def test_stored_assessment_as_fhir(tmp_path: Any) -> None:
    security = pytest.importorskip("tumorboard.api.security")
    from fhir.resources.R4B.bundle import Bundle

    from tumorboard.fhir.api import create_assessment_fhir_router
    from tumorboard.store import Store

    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    case = read_bundle(bundle("spine-rcc-t9"), reference_date=REF).case
    result = fixed_assess(case)
    aid = store.save_assessment(case=case.model_dump(mode="json", exclude_none=True),
                                result=result.model_dump(mode="json"), kb_version="test-kb", kb_hash="",
                                engine_version="test")
    app = FastAPI()
    app.state.services = SimpleNamespace(store=store)
    app.state.keys = security.KeyCheck(store)
    app.include_router(create_assessment_fhir_router(), prefix="/v1")
    r = TestClient(app).get(f"/v1/assessments/{aid}/fhir")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    parsed = Bundle.model_validate(r.json())
    assert parsed.id == aid
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert "RequestGroup" in kinds and kinds[-1] == "Provenance"
