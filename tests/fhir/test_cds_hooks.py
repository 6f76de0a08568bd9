"""CDS Hooks 2.0 contract: every request and response shape against JSON Schemas written from the spec, client
JWT acceptance and each rejection, prefetch present / partial / absent, order-select checks and feedback."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient
from referencing import Registry, Resource

from tests.fhir.cds_support import (
    BASE,
    ISS,
    SCHEMAS,
    app_with,
    config,
    hook_request,
    prefetch_for,
    searchset,
    token,
)
from tests.fhir.conftest import bundle

PV = "/cds-services/tumorboard-patient-view"
OS = "/cds-services/tumorboard-order-select"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
        resources.append((path.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(name: str, data: Any) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, registry=REGISTRY,
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def client(**kwargs: Any) -> TestClient:
    app, _ = app_with(**kwargs)
    return TestClient(app, base_url=BASE)


# -- discovery ---------------------------------------------------------------------------------------------------
def test_discovery_shape_and_prefetch_templates() -> None:
    r = client().get("/cds-services")
    assert r.status_code == 200
    data = r.json()
    validate("discovery", data)
    hooks = {s["hook"]: s for s in data["services"]}
    assert set(hooks) == {"patient-view", "order-select"}
    pv = hooks["patient-view"]["prefetch"]
    assert set(pv) == {"patient", "conditions", "ecog", "karnofsky", "procedures", "medications"}
    assert "89247-1" in pv["ecog"] and "89243-0" in pv["karnofsky"]
    assert "authentication is off" in json.dumps(data), "development mode must say that auth is off"


def test_schemas_reject_what_the_spec_forbids() -> None:
    card = {"summary": "x" * 140, "indicator": "success", "source": {"label": "g"}}
    with pytest.raises(AssertionError):
        validate("card", card)
    with pytest.raises(AssertionError):
        validate("discovery", {"services": [{"hook": "patient-view", "id": "a"}]})
    with pytest.raises(AssertionError):
        auth = {"access_token": "t", "token_type": "Bearer", "expires_in": 1, "scope": "", "subject": ""}
        validate("request", {"hook": "patient-view", "hookInstance": "x", "context": {}, "fhirAuthorization": auth})


# -- patient-view ------------------------------------------------------------------------------------------------
def test_patient_view_with_full_prefetch() -> None:
    body = hook_request("patient-view", "p03", prefetch_for("sacrum-sts"))
    validate("request", body)
    r = client().post(PV, json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    validate("response", data)
    [card] = data["cards"]
    assert card["indicator"] == "info"
    assert card["summary"].startswith("Tumour board plan: Palliative radiotherapy 8 Gy/1 for S1-S3")
    assert card["source"]["label"] == ("Alcorn S et al. ASTRO guideline: external beam radiation therapy for "
                                       "symptomatic bone metastases (2024)")
    assert card["source"]["url"].startswith("https://doi.org/")
    assert "Why for this patient" in card["detail"] or "Ranked options" in card["detail"]
    assert "References:" in card["detail"] and "Vertebral augmentation" in card["detail"]
    assert card["selectionBehavior"] == "at-most-one"
    actions = [a for s in card["suggestions"] for a in s["actions"]]
    assert {a["resource"]["resourceType"] for a in actions} == {"ServiceRequest", "MedicationRequest"}
    assert all(a["resource"]["status"] == "draft" and a["resource"]["subject"] == {"reference": "Patient/p03"}
               for a in actions)
    assert {c["code"] for c in card["overrideReasons"]} >= {"patient-refuses", "cds-not-applicable"}


def test_critical_card_for_cord_compression_with_deficit() -> None:
    body = hook_request("patient-view", "p13", prefetch_for("spine-mscc-lung"))
    r = client().post(PV, json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    validate("response", data)
    first = data["cards"][0]
    assert first["indicator"] == "critical" and "Cord compression" in first["summary"]
    assert first["source"]["label"].startswith("Laufer")
    assert all(len(c["summary"]) < 140 for c in data["cards"])


def test_report_link() -> None:
    body = hook_request("patient-view", "p03", prefetch_for("sacrum-sts"))
    cfg = config(report_url="https://tumorboard.example.org/report", issuers={})
    data = client(cfg=cfg).post(PV, json=body).json()
    assert data["cards"][0]["links"] == [{"label": "Full tumorboard report (inputs, scores, plan, sources)",
                                          "url": "https://tumorboard.example.org/report", "type": "absolute"}]


# -- prefetch: partial and absent --------------------------------------------------------------------------------
FHIR = "https://ehr.example.org/fhir"
SECRET = "access-token-s3cr3t-value"


def mock_fhir(seen: list[httpx.Request], name: str = "sacrum-sts") -> httpx.MockTransport:
    full = prefetch_for(name)
    meds = full["medications"]["entry"]
    admin = [e["resource"] for e in bundle(name)["entry"] if e["resource"]["resourceType"] ==
             "MedicationAdministration"]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = str(request.url)
        if request.headers.get("authorization") != f"Bearer {SECRET}":
            return httpx.Response(401)
        if "/Procedure" in url:
            return httpx.Response(200, json=full["procedures"])
        if "/MedicationRequest" in url and "page=2" not in url:
            page: dict[str, Any] = searchset([e["resource"] for e in meds])
            page["link"] = [{"relation": "next", "url": f"{FHIR}/MedicationRequest?patient=p03&page=2"}]
            return httpx.Response(200, json=page)
        if "page=2" in url:
            return httpx.Response(200, json=searchset(admin))
        if "89243-0" in url:
            return httpx.Response(200, json=full["karnofsky"])
        return httpx.Response(404)

    return httpx.MockTransport(handler)


def test_partial_prefetch_is_fetched_from_the_fhir_server(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    full = prefetch_for("sacrum-sts")
    given = {k: full[k] for k in ("patient", "conditions", "ecog")}
    given["karnofsky"] = None
    body = hook_request("patient-view", "p03", given, fhirServer=FHIR,
                        fhirAuthorization={"access_token": SECRET, "token_type": "Bearer", "expires_in": 300,
                                           "scope": "user/*.read", "subject": "tumorboard"})
    validate("request", body)
    seen: list[httpx.Request] = []
    r = client(transport=mock_fhir(seen)).post(PV, json=body)
    assert r.status_code == 200, r.text
    validate("response", r.json())
    paths = sorted(req.url.path for req in seen)
    assert paths == ["/fhir/MedicationRequest", "/fhir/MedicationRequest", "/fhir/Observation", "/fhir/Procedure"]
    detail = r.json()["cards"][0]["detail"]
    assert "fetched from the FHIR server: karnofsky, procedures, medications" in detail
    assert SECRET not in r.text
    assert all(SECRET not in rec.getMessage() and SECRET not in str(rec.__dict__) for rec in caplog.records)


def test_paging_link_outside_the_fhir_server_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = searchset([])
        page["link"] = [{"relation": "next", "url": "https://evil.example.com/steal"}]
        return httpx.Response(200, json=page)

    full = prefetch_for("sacrum-sts")
    given = {k: v for k, v in full.items() if k != "medications"}
    body = hook_request("patient-view", "p03", given, fhirServer=FHIR,
                        fhirAuthorization={"access_token": SECRET, "token_type": "Bearer", "expires_in": 300,
                                           "scope": "user/*.read", "subject": "tumorboard"})
    r = client(transport=httpx.MockTransport(handler)).post(PV, json=body)
    assert r.status_code == 502 and "outside fhirServer" in r.text and SECRET not in r.text


def test_absent_prefetch_without_authorization_is_412() -> None:
    r = client().post(PV, json=hook_request("patient-view", "p03", None))
    assert r.status_code == 412
    assert r.json()["resourceType"] == "OperationOutcome" and "patient" in r.text
    partial = {k: v for k, v in prefetch_for("sacrum-sts").items() if k != "procedures"}
    r = client().post(PV, json=hook_request("patient-view", "p03", partial))
    assert r.status_code == 412 and "procedures" in r.text


def test_malformed_requests_are_400() -> None:
    c = client()
    assert c.post(PV, json={"hook": "order-select", "hookInstance": "x", "context": {}}).status_code == 400
    body = hook_request("patient-view", "p03", prefetch_for("sacrum-sts"))
    body["context"]["patientId"] = "p03&_include=*"
    assert c.post(PV, json=body).status_code == 400
    assert c.post("/cds-services/nope", json=body).status_code == 404


def test_unreadable_record_names_resource_and_element() -> None:
    pre = prefetch_for("sacrum-sts")
    pre["conditions"]["entry"][0]["resource"]["code"]["coding"][0]["code"] = 12
    r = client().post(PV, json=hook_request("patient-view", "p03", pre))
    assert r.status_code == 400 and "Condition/primary" in r.text and "code.coding[0].code" in r.text


# -- order-select ------------------------------------------------------------------------------------------------
def draft_orders() -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "ServiceRequest", "id": "vp-1", "status": "draft", "intent": "order",
                      "code": {"text": "Percutaneous vertebroplasty S1"}, "subject": {"reference": "Patient/p03"}}},
        {"resource": {"resourceType": "MedicationRequest", "id": "zol-1", "status": "draft", "intent": "order",
                      "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                                "code": "77655", "display": "zoledronic acid"}]},
                      "subject": {"reference": "Patient/p03"}}},
        {"resource": {"resourceType": "ServiceRequest", "id": "rt-1", "status": "draft", "intent": "order",
                      "code": {"text": "Radiotherapy 8 Gy in 1 fraction to S1-S3"},
                      "subject": {"reference": "Patient/p03"}}},
        {"resource": {"resourceType": "ServiceRequest", "id": "lab-1", "status": "draft", "intent": "order",
                      "code": {"text": "Full blood count"}, "subject": {"reference": "Patient/p03"}}},
    ]}


def test_order_select_warns_on_avoided_modality_and_confirms_recommended() -> None:
    body = hook_request("order-select", "p03", prefetch_for("sacrum-sts"))
    body["context"].update(selections=["ServiceRequest/vp-1", "MedicationRequest/zol-1", "ServiceRequest/rt-1",
                                       "ServiceRequest/lab-1"], draftOrders=draft_orders())
    validate("request", body)
    r = client().post(OS, json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    validate("response", data)
    cards = data["cards"]
    assert [c["indicator"] for c in cards] == ["warning", "info", "info"]
    assert "advises against Vertebral augmentation" in cards[0]["summary"]
    delete = cards[0]["suggestions"][0]["actions"][0]
    assert delete == {"type": "delete", "description": "Remove the draft order ServiceRequest/vp-1",
                      "resourceId": "ServiceRequest/vp-1"}
    assert "Bone-modifying agent" in cards[1]["summary"] and "Palliative radiotherapy" in cards[2]["summary"]


def test_order_select_only_checks_selected_orders() -> None:
    body = hook_request("order-select", "p03", prefetch_for("sacrum-sts"))
    body["context"].update(selections=["ServiceRequest/lab-1"], draftOrders=draft_orders())
    assert client().post(OS, json=body).json() == {"cards": []}


# -- feedback ----------------------------------------------------------------------------------------------------
def test_feedback_is_idempotent_on_card_uuid() -> None:
    app, store = app_with()
    c = TestClient(app, base_url=BASE)
    card = c.post(PV, json=hook_request("patient-view", "p03", prefetch_for("sacrum-sts"))).json()["cards"][0]
    assert card["uuid"] in store.cards
    fb = {"feedback": [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-01T10:05:31Z",
                        "overrideReason": {"reason": card["overrideReasons"][0], "userComment": "discussed"}}]}
    validate("feedback", fb)
    first = c.post(PV + "/feedback", json=fb)
    second = c.post(PV + "/feedback", json=fb)
    assert first.json() == {"stored": 1, "duplicates": 0} and second.json() == {"stored": 0, "duplicates": 1}
    assert store.feedback[card["uuid"]]["known_card"] is True
    bad = c.post(PV + "/feedback", json={"feedback": [{"card": "x", "outcome": "ignored", "outcomeTimestamp": "t"}]})
    assert bad.status_code == 400


def test_feedback_goes_to_the_audit_trail(tmp_path: Any) -> None:
    from tumorboard.fhir.cds_hooks.feedback import AuditFeedback
    from tumorboard.store import Store

    store = Store(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    app, _ = app_with(feedback=AuditFeedback(store))
    c = TestClient(app, base_url=BASE)
    card = c.post(PV, json=hook_request("patient-view", "p03", prefetch_for("sacrum-sts"))).json()["cards"][0]
    fb = {"feedback": [{"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-11-01T10:05:31Z",
                        "acceptedSuggestions": [{"id": card["suggestions"][0]["uuid"]}]}]}
    assert c.post(PV + "/feedback", json=fb).json()["stored"] == 1
    # a second process (a new AuditFeedback on the same store) still sees it as a duplicate
    app2, _ = app_with(feedback=AuditFeedback(store))
    assert TestClient(app2, base_url=BASE).post(PV + "/feedback", json=fb).json() == {"stored": 0, "duplicates": 1}
    kinds = [e["kind"] for e in store.audit_events()]
    assert kinds.count("cds.cards") == 1 and kinds.count("cds.feedback") == 1
    assert "p03" not in json.dumps(store.audit_events())
    assert store.verify_audit().ok


# -- client authentication ---------------------------------------------------------------------------------------
def authed(tok: str | None, path: str = "/cds-services") -> httpx.Response:
    c = client(cfg=config())
    headers = {"Authorization": f"Bearer {tok}"} if tok is not None else {}
    if path == "/cds-services":
        return c.get(path, headers=headers)
    return c.post(path, headers=headers, json=hook_request("patient-view", "p03", prefetch_for("sacrum-sts")))


def test_jwt_es384_and_rs384_accepted() -> None:
    r = authed(token(BASE + "/cds-services"))
    assert r.status_code == 200 and "authentication is off" not in r.text
    assert authed(token(BASE + PV, alg="RS384"), PV).status_code == 200


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: None, "missing bearer token"),
        (lambda: token(BASE + "/cds-services", exp=time.time() - 120), "token expired"),
        (lambda: token(BASE + PV), "audience does not match"),
        (lambda: token(BASE + "/cds-services", iss="https://rogue.example.org"), "unknown issuer"),
        (lambda: token(BASE + "/cds-services", alg="HS256", key="shared-secret-that-is-long-enough-32b"),
         "'HS256' is not allowed"),
        (lambda: token(BASE + "/cds-services", alg="RS256"), "'RS256' is not allowed"),
        (lambda: jwt_none(BASE + "/cds-services"), "'none' is not allowed"),
        (lambda: token(BASE + "/cds-services", kid="rsa-1"), "invalid token"),
        (lambda: token(BASE + "/cds-services", extra_headers={"jku": "https://evil.example.com/jwks"}),
         "jku is not allow-listed"),
        (lambda: token(BASE + "/cds-services", exp=time.time() + 7200), "lifetime"),
    ],
)
def test_jwt_rejections(make: Any, reason: str) -> None:
    r = authed(make())
    assert r.status_code == 401, r.text
    assert reason in r.json()["issue"][0]["diagnostics"]


def jwt_none(aud: str) -> str:
    import base64

    def b64(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 60, "jti": "n"}
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def test_jwt_replayed_jti_rejected() -> None:
    c = client(cfg=config())
    tok = token(BASE + "/cds-services", jti="once")
    assert c.get("/cds-services", headers={"Authorization": f"Bearer {tok}"}).status_code == 200
    again = c.get("/cds-services", headers={"Authorization": f"Bearer {tok}"})
    assert again.status_code == 401 and "replayed jti" in again.text


def test_jku_allow_listed_is_fetched() -> None:
    from tests.fhir.cds_support import jwks
    from tumorboard.fhir.cds_hooks.auth import JwksCache, Verifier

    url = "https://ehr.example.org/.well-known/jwks.json"
    cfg = config(issuers={ISS: {"jku": [url]}})
    fetched: list[str] = []
    verifier = Verifier(cfg, jwks=JwksCache(lambda u: fetched.append(u) or jwks()))
    claims = verifier.verify("Bearer " + token("https://x/cds-services", extra_headers={"jku": url}),
                             "https://x/cds-services")
    assert claims["iss"] == ISS and fetched == [url]
