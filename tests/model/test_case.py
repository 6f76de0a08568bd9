"""The case model: parsing, unknown-is-not-normal, errors in the case-format path grammar, unit conversion."""

from __future__ import annotations

import pytest

from tumorboard.model.case import Case
from tumorboard.model.parse import CaseError, parse_case, parse_case_data


def test_examples_parse(sacrum_case: Case, rcc_case: Case, femur_case: Case) -> None:
    assert sacrum_case.lesions[0].levels == ["S1", "S2", "S3"]
    assert rcc_case.lesions[0].escc_grade == "2"
    assert femur_case.lesions[0].cortical_fraction == "gt_two_thirds"


def test_absent_fields_stay_unknown() -> None:
    case = parse_case("format: tumorboard.case/v1\n").case
    assert case.patient.ecog is None
    assert case.neurology.myelopathy is None
    assert case.disease.visceral_metastases is None
    assert case.lesions == []


def test_bad_enum_names_lesion_by_id_and_lists_allowed_values() -> None:
    text = "format: tumorboard.case/v1\nlesions:\n  - id: L1\n    region: thoracic\n    escc_grade: '4'\n"
    with pytest.raises(CaseError) as exc:
        parse_case(text)
    assert str(exc.value.errors[0]) == "lesions.L1.escc_grade: '4' is not one of 0, 1a, 1b, 1c, 2, 3"


def test_lesion_without_id_is_addressed_by_position() -> None:
    with pytest.raises(CaseError) as exc:
        parse_case_data({"format": "tumorboard.case/v1", "lesions": [{"region": "spine"}]})
    assert exc.value.errors[0].path == "lesions.0.region"
    assert "cervical" in exc.value.errors[0].allowed


def test_unknown_field_is_an_error_unless_under_extra() -> None:
    with pytest.raises(CaseError) as exc:
        parse_case_data({"format": "tumorboard.case/v1", "patient": {"height_cm": 170}})
    assert exc.value.errors[0].path == "patient.height_cm"
    assert "unknown field" in exc.value.errors[0].message
    case = parse_case_data({"format": "tumorboard.case/v1", "patient": {"extra": {"height_cm": 170}}}).case
    assert case.patient.extra == {"height_cm": 170}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"patient": {"ecog": 5}}, "patient.ecog"),
        ({"patient": {"kps": 85}}, "patient.kps"),
        ({"patient": {"age_years": "old"}}, "patient.age_years"),
        ({"pain": {"severity_nrs": 11}}, "pain.severity_nrs"),
        ({"lesions": [{"id": "X", "levels": ["T13"]}]}, "lesions.X.levels"),
        ({"neurology": {"frankel": "F"}}, "neurology.frankel"),
    ],
)
def test_out_of_range_and_wrong_type(data: dict[str, object], path: str) -> None:
    with pytest.raises(CaseError) as exc:
        parse_case_data({"format": "tumorboard.case/v1", **data})
    assert exc.value.errors[0].path == path


def test_format_is_required() -> None:
    with pytest.raises(CaseError) as exc:
        parse_case_data({"patient": {}})
    assert exc.value.errors[0].path == "format"


def test_malformed_yaml_and_json() -> None:
    with pytest.raises(CaseError, match="malformed YAML"):
        parse_case("format: [unclosed\n")
    with pytest.raises(CaseError, match="malformed JSON"):
        parse_case('{"format": ')


def test_duplicate_lesion_ids() -> None:
    with pytest.raises(CaseError, match="used twice"):
        parse_case_data({"format": "tumorboard.case/v1", "lesions": [{"id": "A"}, {"id": "A"}]})


def test_numeric_escc_grade_from_yaml_is_read_as_label() -> None:
    case = parse_case("format: tumorboard.case/v1\nlesions:\n  - id: T9\n    escc_grade: 2\n").case
    assert case.lesions[0].escc_grade == "2"


def test_lab_units_are_converted_only_when_explicit_and_reported() -> None:
    parsed = parse_case_data(
        {"format": "tumorboard.case/v1", "labs": {"albumin_g_dl": {"value": 35, "unit": "g/L"},
                                                   "calcium_mg_dl": {"value": 2.5, "unit": "mmol/L"}}}
    )
    assert parsed.case.labs.albumin_g_dl == 3.5
    assert parsed.case.labs.calcium_mg_dl == pytest.approx(10.02, abs=0.01)
    assert next(c.describe() for c in parsed.conversions) == "labs.albumin_g_dl: converted 35 g/L to 3.5"
    with pytest.raises(CaseError) as exc:
        parse_case_data({"format": "tumorboard.case/v1", "labs": {"albumin_g_dl": {"value": 35, "unit": "mg/L"}}})
    assert exc.value.errors[0].path == "labs.albumin_g_dl"


def test_json_schema_has_the_parts() -> None:
    schema = Case.model_json_schema()
    assert {"patient", "primary", "disease", "lesions", "neurology", "pain", "labs", "history"} <= set(
        schema["properties"]
    )
