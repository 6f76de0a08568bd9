"""FHIR in: the mCODE test bundles are valid R4 and map to the expected cases, with provenance for every value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.fhir.conftest import REF, bundle, names
from tests.fhir.expected_cases import EXPECTED
from tumorboard.fhir import FhirError, is_fhir_bundle, read_bundle

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of a case dump by its path (lists of scalars are leaves; lesions are addressed by position)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(leaves(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(data, list) and data and isinstance(data[0], dict):
        for i, v in enumerate(data):
            out.update(leaves(v, f"{prefix}.{i}"))
    else:
        out[prefix] = data
    return out


def test_there_are_at_least_twelve_patients_covering_every_group() -> None:
    assert len(names()) >= 12
    regions = {les["region"] for exp in EXPECTED.values() for les in exp.get("lesions", [])}
    assert {"thoracic", "lumbar", "sacrum", "pelvis", "acetabulum", "femur", "humerus", "soft_tissue"} <= regions
    assert any(exp["patient"]["age_years"] < 16 for exp in EXPECTED.values())
    assert sum(exp["primary"]["site"] in ("soft_tissue", "bone_sarcoma_other") for exp in EXPECTED.values()) >= 5
    assert set(EXPECTED) == set(names())


@pytest.mark.parametrize("name", names())
def test_bundle_is_structurally_valid_r4(name: str) -> None:
    from fhir.resources.R4B.bundle import Bundle

    data = bundle(name)
    parsed = Bundle.model_validate(data)
    assert parsed.type == "collection"
    assert len(parsed.entry or []) == len(data["entry"])
    kinds = {e["resource"]["resourceType"] for e in data["entry"]}
    assert {"Patient", "Condition"} <= kinds
    profiles = {p for e in data["entry"] for p in e["resource"].get("meta", {}).get("profile", [])}
    assert MCODE + "mcode-cancer-patient" in profiles and MCODE + "mcode-primary-cancer-condition" in profiles


@pytest.mark.parametrize("name", names())
def test_mapped_case_field_by_field(name: str) -> None:
    ex = read_bundle(bundle(name), reference_date=REF)
    got = ex.case.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    got.pop("format", None)
    want, have = leaves(EXPECTED[name]), leaves(got)
    for path, value in want.items():
        assert path in have, f"{name}: {path} missing (want {value!r})"
        assert have[path] == value, f"{name}: {path} = {have[path]!r}, want {value!r}"
    assert set(have) == set(want), f"{name}: unexpected fields {sorted(set(have) - set(want))}"


@pytest.mark.parametrize("name", names())
def test_every_value_has_provenance_in_the_bundle(name: str) -> None:
    data = bundle(name)
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in data["entry"]}
    ex = read_bundle(data, reference_date=REF)
    facts = {f.path: f for f in ex.facts}
    for fact in ex.facts:
        assert fact.source == "fhir" and fact.resource in present, fact
        assert fact.rule, fact
    got = ex.case.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for path in leaves(got):
        if path in ("format", "id") or ".extra." in f".{path}." or path.endswith(".id"):
            continue
        root = path if path in facts else next((p for p in facts if path.startswith(p + ".")), None)
        if root is None and path.startswith("lesions."):
            parts = path.split(".")
            root = ".".join(parts[:3]) if ".".join(parts[:3]) in facts else None
        assert root is not None, f"{name}: {path} has no fact"


def test_unmapped_codes_are_listed_not_dropped() -> None:
    ex = read_bundle(bundle("humerus-myeloma"), reference_date=REF)
    [item] = ex.unmapped
    assert item["element"] == "medication[x]" and item["codes"][0]["code"] == "358258"
    assert item["resource"].startswith("MedicationAdministration/")
    ex = read_bundle(bundle("spine-mscc-lung"), reference_date=REF)
    assert [u["codes"][0]["code"] for u in ex.unmapped] == ["8867-4"]


def test_most_recent_ecog_wins_and_the_older_one_is_noted() -> None:
    ex = read_bundle(bundle("spine-rcc-t9"), reference_date=REF)
    assert ex.case.patient.ecog == 1
    [fact] = [f for f in ex.facts if f.path == "patient.ecog"]
    assert "2026-10-28" in (fact.snippet or "")
    assert any("earlier value 2" in n for n in ex.notes)


def test_units_converted_and_said() -> None:
    ex = read_bundle(bundle("spine-rcc-t9"), reference_date=REF)
    [alb] = [f for f in ex.facts if f.path == "labs.albumin_g_dl"]
    assert alb.value == 3.8 and "converted 38 g/L" in (alb.rule or "")
    ex = read_bundle(bundle("pelvis-prostate"), reference_date=REF)
    assert ex.case.labs.hemoglobin_g_dl == pytest.approx(10.95, abs=0.01)


def test_unknown_unit_is_unmapped() -> None:
    data = copy.deepcopy(bundle("spine-rcc-t9"))
    for e in data["entry"]:
        q = e["resource"].get("valueQuantity")
        if q and q.get("code") == "g/L":
            q["code"] = q["unit"] = "mg/mL"
    ex = read_bundle(data, reference_date=REF)
    assert ex.case.labs.albumin_g_dl is None
    assert any(u["element"] == "valueQuantity" and u["unit"] == "mg/mL" for u in ex.unmapped)


def test_age_depends_on_the_reference_date() -> None:
    from datetime import date

    assert read_bundle(bundle("paediatric-ewing"), reference_date=date(2026, 10, 29)).case.patient.age_years == 13
    assert read_bundle(bundle("paediatric-ewing"), reference_date=date(2026, 10, 30)).case.patient.age_years == 14


def test_radiotherapy_course_becomes_prior_radiotherapy_with_provenance() -> None:
    ex = read_bundle(bundle("spine-breast-multilevel"), reference_date=REF)
    [fact] = [f for f in ex.facts if f.path == "lesions.0.prior_radiotherapy"]
    assert fact.resource is not None and fact.resource.startswith("Procedure/")
    assert fact.value == {"dose_gy": 20.0, "fractions": 5, "months_ago": 8.1}


@pytest.mark.parametrize(
    ("mutate", "resource", "element"),
    [
        (lambda d: d["entry"][1]["resource"].pop("subject"), "Condition/primary (entry[1])", "subject"),
        (lambda d: d["entry"][-1]["resource"].__setitem__("valueInteger", "one"), "(entry[", "valueInteger"),
        (lambda d: d["entry"][0]["resource"].__setitem__("resourceType", "Patiënt"), "entry[0]", "resourceType"),
        (lambda d: d["entry"][2]["resource"]["code"]["coding"][0].__setitem__("code", 7),
         "Procedure/procedure-3 (entry[2])", "code.coding[0].code"),
        (lambda d: d.__setitem__("type", 3), "Bundle", "type"),
    ],
)
def test_invalid_bundle_names_resource_and_element(mutate: Any, resource: str, element: str) -> None:
    data = copy.deepcopy(bundle("sacrum-chordoma"))
    data["entry"].append({"resource": {"resourceType": "Observation", "id": "x", "status": "final",
                                       "code": {"text": "ECOG"}, "valueInteger": 1}})
    mutate(data)
    with pytest.raises(FhirError) as info:
        read_bundle(data, reference_date=REF)
    assert resource in str(info.value) and element in str(info.value), str(info.value)


def test_not_a_bundle() -> None:
    with pytest.raises(FhirError, match="resourceType 'Bundle'"):
        read_bundle({"resourceType": "Patient"}, reference_date=REF)
    assert is_fhir_bundle({"resourceType": "Bundle"}) and not is_fhir_bundle({"format": "tumorboard.case/v1"})


def test_two_patients_are_refused() -> None:
    data = copy.deepcopy(bundle("sacrum-sts"))
    data["entry"].append({"resource": {"resourceType": "Patient", "id": "other"}})
    with pytest.raises(FhirError, match="Patient/other"):
        read_bundle(data, reference_date=REF)
