"""FHIR out, and the round trip: bundle -> case -> assessment -> FHIR -> re-parsed by fhir.resources R4B."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.fhir.cds_support import fixed_assess
from tests.fhir.conftest import REF, bundle, names
from tumorboard.fhir import read_bundle, result_to_fhir
from tumorboard.fhir.cds_hooks.cards import DraftOrder, order_matches
from tumorboard.fhir.writer import SCORE_CS

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def resources(out: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in out["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("name", names())
def test_round_trip_with_the_engine_reparses_as_r4(name: str) -> None:
    from tumorboard.engine import assess

    ex = read_bundle(bundle(name), reference_date=REF)
    result = assess(ex.case)
    out = result_to_fhir(result, ex.case, extraction=ex, patient_ref=f"Patient/{ex.case.id[5:]}", now=NOW)
    parsed = Bundle.model_validate(out)
    assert parsed.type == "collection"
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds[0] == "Device" and kinds[-1] == "Provenance"
    assert kinds.count("Observation") == len(result.scores)
    assert ("RequestGroup" in kinds) == (result.plan is not None)
    # every entry is referenced by the Provenance, which names the knowledge-base version
    prov = resources(out, "Provenance")[0]
    assert {t["reference"] for t in prov["target"]} == {e["fullUrl"] for e in out["entry"][1:-1]}
    if result.knowledge_base:
        assert result.knowledge_base.version in prov["policy"][0]
        assert result.knowledge_base.version in prov["agent"][0]["who"]["display"]
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle(name)["entry"]}
    assert {x["what"]["reference"] for x in prov.get("entity", [])} <= present


def test_scores_as_observations_with_inputs() -> None:
    ex = read_bundle(bundle("spine-rcc-t9"), reference_date=REF)
    result = fixed_assess(ex.case)
    out = result_to_fhir(result, ex.case, extraction=ex, patient_ref="Patient/p01", now=NOW)
    obs = {o["code"]["coding"][0]["code"]: o for o in resources(out, "Observation")}
    assert all(o["code"]["coding"][0]["system"] == SCORE_CS for o in obs.values())
    perf = obs["performance"]
    # the most recent ECOG (observation-6; the older observation-5 is not an input) and the KPS
    assert [d["reference"] for d in perf["derivedFrom"]] == ["Observation/observation-6", "Observation/observation-7"]
    sins = obs["sins"]
    assert sins["subject"] == {"reference": "Patient/p01"} and sins["bodySite"]["text"].startswith("lesion T9")
    assert sins["status"] == "preliminary" and "valueRange" in sins
    assert {"valueReference": {"reference": "Condition/met-t9"},
            "url": "https://tumorboard.org/fhir/StructureDefinition/input-resource"} in sins["extension"]
    assert any(c["code"]["coding"][0]["code"] == "sins.location" for c in sins["component"])


def test_plan_as_request_group_with_citations() -> None:
    ex = read_bundle(bundle("spine-mscc-lung"), reference_date=REF)
    out = result_to_fhir(fixed_assess(ex.case), ex.case, extraction=ex, now=NOW)
    [rg] = resources(out, "RequestGroup")
    assert (rg["status"], rg["intent"]) == ("draft", "proposal")
    groups = {g["title"]: g for g in rg["action"]}
    assert list(groups) == ["Warnings", "Options (ranked)", "Advised against"]
    warning = groups["Warnings"]["action"][0]
    assert warning["priority"] == "stat"  # cord compression with a neurological deficit
    assert warning["documentation"][0]["type"] == "citation" and warning["documentation"][0]["url"].startswith(
        "https://doi.org/")
    top = groups["Options (ranked)"]["action"][0]
    assert top["prefix"] == "1" and top["code"][1]["coding"][0]["code"] == "cebrt"
    assert top["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "strong"
    assert top["extension"][1]["valueCodeableConcept"]["coding"][0]["code"] == "moderate"
    Bundle.model_validate(out)


def test_case_without_fhir_inputs() -> None:
    from tumorboard.model.case import Case

    case = Case.model_validate({"format": "tumorboard.case/v1", "id": "plain", "lesions": [
        {"id": "L1", "region": "lumbar", "levels": ["L1"], "bone_lesion": "lytic"}]})
    out = result_to_fhir(fixed_assess(case), case, now=NOW)
    Bundle.model_validate(out)
    assert "entity" not in resources(out, "Provenance")[0]


def test_systemic_orders_match_by_agent() -> None:
    from tests.fhir.cds_support import option

    avoid = option("sts-eribulin-not-for-leiomyosarcoma", "chemotherapy", title="Eribulin in leiomyosarcoma",
                   recommendation="Eribulin is not recommended for leiomyosarcoma.")
    doxo = DraftOrder("MedicationRequest/1", {"resourceType": "MedicationRequest"}, "chemotherapy", "doxorubicin")
    eri = DraftOrder("MedicationRequest/2", {"resourceType": "MedicationRequest"}, "chemotherapy", "eribulin")
    assert not order_matches(doxo, avoid) and order_matches(eri, avoid)
