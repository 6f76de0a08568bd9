"""The pages in-process: forms, validation errors next to the fields, the report, PDF, calculators, knowledge base."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_assess_form_has_sections_and_unknown_defaults(client: TestClient) -> None:
    r = client.get("/assess")
    assert r.status_code == 200
    for section in ("patient", "primary", "disease", "neurology", "pain", "labs", "history"):
        assert f"<legend>{section}</legend>" in r.text
    # every select offers "unknown" first, and nothing is pre-selected
    assert r.text.count('<option value="">unknown</option>') > 30 and " selected" not in r.text
    # every control has a label
    ids = set(re.findall(r'<(?:select|input|textarea)[^>]* id="([^"]+)"', r.text))
    labels = set(re.findall(r'<label for="([^"]+)"', r.text))
    assert ids - labels <= {"q"}, ids - labels


def test_demo_case_form_to_report_pdf(client: TestClient) -> None:
    form = client.get("/assess?example=sacrum-sts").text
    assert 'value="sacrum" selected' in form and 'value="S2" checked' in form
    data = {"lesion_count": "1", "primary.site": "soft_tissue", "primary.status": "progressive",
            "lesions.0.id": "sacrum", "lesions.0.region": "sacrum", "lesions.0.levels": ["S1", "S2", "S3"],
            "lesions.0.bone_lesion": "lytic", "lesions.0.side": "right"}
    r = client.post("/assess", data=data, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    text = page.text
    assert "pending clinical review" in text and "SINS" in text and "Missing inputs" in text
    assert "<svg" in text and "References" in text
    pdf = client.get(r.headers["location"] + ".pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    md = client.get(r.headers["location"] + ".md")
    assert md.status_code == 200 and "SINS" in md.text


def test_invalid_form_shows_errors_at_fields(client: TestClient) -> None:
    r = client.post("/assess", data={"lesion_count": "1", "patient.ecog": "9", "lesions.0.id": "L1",
                                     "lesions.0.region": "sacrum"})
    assert r.status_code == 422
    assert "patient.ecog" in r.text and 'aria-invalid="true"' in r.text


def test_add_lesion(client: TestClient) -> None:
    r = client.post("/assess", data={"lesion_count": "1", "action": "add_lesion"})
    assert "Lesion 2" in r.text


def test_calculator_live_partial_and_full_page(client: TestClient) -> None:
    page = client.get("/calculators/sins")
    assert page.status_code == 200 and 'hx-post="/calculators/sins"' in page.text
    data = {"lesions.0.region": "thoracic", "lesions.0.levels": "T9", "pain.character": "occasional_non_mechanical",
            "lesions.0.bone_lesion": "lytic", "lesions.0.alignment": "normal",
            "lesions.0.collapse": "none_gt50_involved", "lesions.0.posterolateral": "unilateral"}
    part = client.post("/calculators/sins", data=data, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert "<strong>6</strong>" in part.text.replace("\n", "") or ">6<" in part.text
    assert "stable" in part.text
    full = client.post("/calculators/sins", data=data)
    assert "<html" in full.text and 'value="T9" checked' in full.text
    for key in ("escc", "mirels", "tokuhashi", "harrington"):
        assert client.get(f"/calculators/{key}").status_code == 200
    assert client.get("/calculators/nope").status_code == 404


def test_knowledge_pages(client: TestClient) -> None:
    kb = client.app.state.services.kb  # type: ignore[attr-defined]
    r = client.get("/knowledge")
    assert r.status_code == 200
    if kb.loaded and kb.statements:
        sid = next(iter(kb.statements))
        assert client.get(f"/knowledge/statements/{sid}").status_code == 200
    if kb.loaded and kb.references:
        rid = next(iter(kb.references))
        assert client.get(f"/knowledge/references/{rid}").status_code == 200
        assert rid in client.get("/knowledge/references").text
    assert client.get("/knowledge/statements/nope").status_code == 404


def test_ask_page(client: TestClient) -> None:
    r = client.get("/ask")
    assert r.status_code == 200
    services = client.app.state.services  # type: ignore[attr-defined]
    if services.qa is None:
        assert "not available yet" in r.text


def test_static_htmx_vendored(client: TestClient) -> None:
    r = client.get("/static/htmx.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:200]
    assert "unpkg" not in client.get("/assess").text and "cdn" not in client.get("/assess").text.lower()
