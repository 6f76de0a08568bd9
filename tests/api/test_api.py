"""Every endpoint, with valid, invalid and hostile input; errors are problem+json and never a stack trace."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tumorboard.store import Store

PROBLEM = "application/problem+json"


def problem(r: object, status: int) -> dict[str, object]:
    assert r.status_code == status, (r.status_code, r.text[:500])  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith(PROBLEM)  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["type"].startswith("https://") and body["request_id"]
    assert "Traceback" not in r.text and 'File "' not in r.text  # type: ignore[attr-defined]
    return body  # type: ignore[no-any-return]


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    r = client.get("/readyz")
    body = r.json()
    assert r.status_code in (200, 503) and body["status"] in ("ready", "not_ready")
    assert (r.status_code == 200) == body["knowledge_base"]["loaded"]


def test_assess_demo_case_stored_and_audited(client: TestClient, store: Store, demo_case: dict[str, object]) -> None:
    r = client.post("/v1/assess", json=demo_case, headers={"X-Request-ID": "req-abc"})
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == "req-abc"
    body = r.json()
    assert body["result"]["format"] == "tumorboard.result/v1"
    assert body["result"]["scores"]["sins"]["lesion"] == "sacrum"
    assert r.headers["location"] == f"/v1/assessments/{body['id']}"
    # committed before the 200: a fresh connection sees the row and its audit event
    stored = Store(store.url).get_assessment(body["id"])
    assert stored is not None and stored.result == body["result"]
    (event,) = store.audit_events()
    assert event["subject"] == body["id"] and event["request_id"] == "req-abc"
    assert store.verify_audit().ok
    got = client.get(f"/v1/assessments/{body['id']}")
    assert got.status_code == 200 and got.json()["result"] == body["result"] and got.json()["case"] == demo_case
    rerun = client.post(f"/v1/assessments/{body['id']}/rerun").json()
    assert rerun["identical"] and rerun["same_knowledge_base"], rerun


def test_assess_yaml_body(client: TestClient) -> None:
    text = "format: tumorboard.case/v1\nlesions:\n  - id: T9\n    region: thoracic\n    escc_grade: 2\n"
    r = client.post("/v1/assess", content=text, headers={"content-type": "application/yaml"})
    assert r.status_code == 200 and r.json()["result"]["scores"]["escc"]["band"] == "high_grade"


def test_invalid_case_names_path_and_allowed_values(client: TestClient) -> None:
    bad = {"format": "tumorboard.case/v1", "lesions": [{"id": "L1", "escc_grade": "4"}], "patient": {"ecog": 7}}
    body = problem(client.post("/v1/assess", json=bad), 422)
    errors = {e["path"]: e for e in body["errors"]}
    assert errors["lesions.L1.escc_grade"]["allowed"] == ["0", "1a", "1b", "1c", "2", "3"]
    assert errors["lesions.L1.escc_grade"]["value"] == "4"
    assert "patient.ecog" in errors
    body = problem(client.post("/v1/assess", json={"lesions": []}), 422)
    assert body["errors"][0]["path"] == "format"
    body = problem(client.post("/v1/assess", json={"format": "tumorboard.case/v1", "colour": "red"}), 422)
    assert body["errors"][0]["path"] == "colour"
    problem(client.post("/v1/assess", json=[1, 2]), 422)
    problem(client.post("/v1/assess", json="a string"), 422)
    problem(client.post("/v1/assess", json={"format": "tumorboard.case/v1",
                                            "labs": {"albumin_g_dl": {"value": 3, "unit": "furlongs"}}}), 422)


def test_wrong_content_type_is_415(client: TestClient, demo_case: dict[str, object]) -> None:
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "", "application/xml"):
        problem(client.post("/v1/assess", content=json.dumps(demo_case), headers={"content-type": ctype}), 415)
    problem(client.post("/v1/assess", content=b"{}", headers={"content-type": "application/json; charset=latin-1"}),
            415)
    problem(client.post("/v1/scores/sins", content="x", headers={"content-type": "text/csv"}), 415)
    problem(client.post("/v1/ask", content="x", headers={"content-type": "text/plain"}), 415)


def test_oversize_body_is_413(client: TestClient) -> None:
    big = b'{"format": "tumorboard.case/v1", "id": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    problem(client.post("/v1/assess", content=big, headers={"content-type": "application/json"}), 413)

    def chunks():  # no content-length: counted while streaming
        for _ in range(40):
            yield b" " * 100_000

    problem(client.post("/v1/assess", content=chunks(), headers={"content-type": "application/json"}), 413)


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe\x00", b"", b"   ", b"[" * 100_000, b'{"a": NaN'])
def test_malformed_bodies_are_400(client: TestClient, body: bytes) -> None:
    problem(client.post("/v1/assess", content=body, headers={"content-type": "application/json"}), 400)


def test_hostile_yaml(client: TestClient) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    problem(client.post("/v1/assess", content=bomb, headers={"content-type": "application/yaml"}), 400)
    problem(client.post("/v1/assess", content="!!python/object:os.system {}",
                        headers={"content-type": "application/yaml"}), 400)


def test_hostile_strings_are_not_echoed_in_full(client: TestClient) -> None:
    evil = "<script>alert(1)</script>" * 50
    body = problem(client.post("/v1/assess", json={"format": "tumorboard.case/v1", "patient": {"sex": evil}}), 422)
    assert len(json.dumps(body)) < 4000


def test_text_request(client: TestClient) -> None:
    r = client.post("/v1/assess", json={"text": "Lytic lesion of the right sacrum S1-S3 with progressive sarcoma."})
    services = client.app.state.services  # type: ignore[attr-defined]
    if services.text is None:
        body = problem(r, 501)
        assert "not installed" in body["detail"]
    else:
        assert r.status_code == 200, r.text
        assert "facts" in r.json()["extraction"]
    problem(client.post("/v1/assess", json={"text": ""}), 422)
    problem(client.post("/v1/assess", json={"text": "x", "other": 1}), 422)


def test_ask(client: TestClient) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    problem(client.post("/v1/ask", json={"question": ""}), 422)
    problem(client.post("/v1/ask", json={"question": "x", "audience": "robot"}), 422)
    problem(client.post("/v1/ask", json={"question": "x", "conversation_id": "../../etc"}), 422)
    r = client.post("/v1/ask", json={"question": "What is the role of surgery in metastatic sarcoma?"})
    if services.qa is None:
        assert "not installed" in problem(r, 501)["detail"]
    else:
        assert r.status_code in (200, 501, 503), r.text
    problem(client.get("/v1/conversations/" + "0" * 32), 404)


def test_scores(client: TestClient, demo_case: dict[str, object]) -> None:
    listed = client.get("/v1/scores").json()
    keys = [s["key"] for s in listed]
    assert "sins" in keys and "escc" in keys
    sins = next(s for s in listed if s["key"] == "sins")
    assert {"lesion.bone_lesion", "pain.character"} <= {f["path"] for f in sins["inputs"]}
    assert [b["id"] for b in sins["bands"]] == ["stable", "indeterminate", "unstable"]
    r = client.post("/v1/scores/sins", json=demo_case)
    assert r.status_code == 200 and r.json()["lesion"] == "sacrum"
    r = client.post("/v1/scores/sins?lesion=sacrum", json=demo_case)
    assert r.status_code == 200 and r.json()["lesion"] == "sacrum"
    body = problem(client.post("/v1/scores/sins?lesion=nope", json=demo_case), 422)
    assert body["errors"][0]["allowed"] == ["sacrum"]
    body = problem(client.post("/v1/scores/nope", json=demo_case), 404)
    assert "sins" in body["errors"][0]["allowed"]
    problem(client.post("/v1/scores/mirels", json=demo_case), 422)  # no long-bone lesion
    problem(client.post("/v1/scores/sins", json={"format": "tumorboard.case/v1", "patient": {"kps": 55}}), 422)


def test_knowledge(client: TestClient) -> None:
    kb = client.app.state.services.kb  # type: ignore[attr-defined]
    if not kb.loaded:
        problem(client.get("/v1/statements/x"), 503)
        return
    ref_id = next(iter(kb.references))
    r = client.get(f"/v1/references/{ref_id}")
    assert r.status_code == 200 and r.json()["reference"]["id"] == ref_id
    assert r.json()["knowledge_base"]["version"] == kb.version
    if kb.statements:
        sid = next(iter(kb.statements))
        body = client.get(f"/v1/statements/{sid}").json()
        assert body["statement"]["id"] == sid and "review" in body["statement"]
        listed = client.get("/v1/statements", params={"q": body["statement"]["title"][:10]}).json()
        assert sid in [s["id"] for s in listed["statements"]]
    problem(client.get("/v1/statements/does-not-exist"), 404)
    problem(client.get("/v1/references/does-not-exist"), 404)
    assert client.get("/v1/references", params={"q": "zzzzzz-nothing"}).json()["total"] == 0
    problem(client.get("/v1/references", params={"limit": 0}), 422)


def test_assessment_ids(client: TestClient) -> None:
    for bad in ("0" * 32, "x", "../../etc/passwd", "%00", "a" * 500):
        problem(client.get(f"/v1/assessments/{bad}"), 404)
    problem(client.post("/v1/assessments/" + "0" * 32 + "/rerun"), 404)
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.delete("/v1/assess"), 405)


def test_api_keys(client: TestClient, store: Store, demo_case: dict[str, object]) -> None:
    assert client.post("/v1/assess", json=demo_case).status_code == 200  # open while no key exists
    key_id, key = store.add_api_key("ehr")
    client.app.state.keys._any = (0.0, False)  # type: ignore[attr-defined]  # drop the 5-second cache
    body = problem(client.post("/v1/assess", json=demo_case), 401)
    assert "X-API-Key" in body["detail"]
    problem(client.get("/v1/scores", headers={"X-API-Key": key + "x"}), 401)
    problem(client.get("/v1/scores", headers={"X-API-Key": "tb_" + key_id}), 401)
    r = client.post("/v1/assess", json=demo_case, headers={"X-API-Key": key})
    assert r.status_code == 200
    events = store.audit_events()
    assert events[-1]["actor"] == f"key:{key_id}" and key not in json.dumps(events)
    assert client.get("/healthz").status_code == 200  # probes stay open
    # pages need the key too: redirect to sign-in, then a cookie
    assert client.get("/assess", follow_redirects=False).status_code == 303
    r = client.post("/login", data={"key": key, "next": "/calculators"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/calculators"
    assert client.get("/calculators").status_code == 200


def test_logs_are_json_without_patient_data(client: TestClient, demo_case: dict[str, object],
                                            caplog: pytest.LogCaptureFixture) -> None:
    from tumorboard.api.logs import JsonFormatter

    demo_case = {**demo_case, "id": "PATIENT-SMITH-1234", "preferences": {"goals": "walk my dog Rex"}}
    with caplog.at_level(logging.INFO, logger="tumorboard"):
        r = client.post("/v1/assess", json=demo_case)
        client.post("/v1/assess", json={**demo_case, "patient": {"ecog": 9}})
    assert r.status_code == 200
    lines = [JsonFormatter().format(rec) for rec in caplog.records if rec.name.startswith("tumorboard")]
    assert lines
    for line in lines:
        record = json.loads(line)
        assert "SMITH" not in line and "Rex" not in line
        if record.get("event") == "request":
            assert record["request_id"] and record["route"] == "/v1/assess" and "ms" in record
    assert any(json.loads(x).get("assessment_id") == r.json()["id"] for x in lines)


def test_openapi(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for p in ("/v1/assess", "/v1/ask", "/v1/scores", "/v1/scores/{key}", "/v1/statements/{statement_id}",
              "/v1/references/{reference_id}", "/v1/assessments/{assessment_id}", "/healthz", "/readyz"):
        assert p in paths, p
    assert "Case" in schema["components"]["schemas"] and "Problem" in schema["components"]["schemas"]
    assert PROBLEM in paths["/v1/assess"]["post"]["responses"]["default"]["content"]
