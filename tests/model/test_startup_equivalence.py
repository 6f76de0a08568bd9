"""The start-up shortcuts of the model package give what the plain ways give (bench/cli_startup.py): empty parts
built with ``model_construct``, parts that build their own validators on first use, the plan's models and the
package's names loaded on first use, JSON imported only for JSON input. YAML is read by ``yaml.safe_load`` (libyaml's
loader was tried and left out: on mutated documents it accepts some that safe_load refuses)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tumorboard.model import case as case_module
from tumorboard.model.case import Case
from tumorboard.model.parse import CaseError, load_data, parse_case_data

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted([*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("src/tumorboard/knowledge/**/*.yaml"),
                     *ROOT.glob("tests/**/*.yaml")])

MALFORMED = [
    "format: tumorboard.case/v1\npatient: {ecog: 1\n",
    "format: [a\n  b: c\n",
    "format: tumorboard.case/v1\n\tpatient: {}\n",
    "a: b: c\n",
    "format: tumorboard.case/v1\nkey: \"unterminated\n",
    "format: tumorboard.case/v1\n---\nformat: x\n",
    "x: !!python/object:os.system {}\n",
    "x: *undefined\n",
    "x: 1\nx: [1, 2\n",
    "- a\nb: c\n",
    "x: '\x07'\n",
    "x: \"\\q\"\n",
    "? [a\n",
    "%YAML 1.1\n%YAML 1.1\n---\nx: 1\n",
    "x: [1, 2]]\n",
]


def _safe_load(text: str) -> tuple[str, object]:
    """What ``load_data`` gave when it read YAML with ``yaml.safe_load`` alone: the data, or the message."""
    try:
        return "data", yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return "error", f"malformed YAML: {getattr(exc, 'problem', None) or 'cannot be parsed'}{where}"


def _load_data(text: str) -> tuple[str, object]:
    try:
        return "data", load_data(text)
    except CaseError as exc:
        assert len(exc.errors) == 1
        return "error", str(exc.errors[0])


def test_yaml_files_load_as_safe_load_reads_them() -> None:
    assert len(YAML_FILES) > 10
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8")
        if not text.lstrip().startswith(("{", "[")):
            assert _load_data(text) == _safe_load(text), path


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_yaml_has_the_pure_python_message(text: str) -> None:
    expected = _safe_load(text)
    assert expected[0] == "error"
    assert _load_data(text) == expected


def test_empty_parts_equal_validated_empty_parts() -> None:
    built = Case()
    validated = parse_case_data({"format": "tumorboard.case/v1"}).case
    for name in ("patient", "primary", "disease", "neurology", "pain", "labs", "history", "preferences"):
        a, b = getattr(built, name), getattr(validated, name)
        cls = type(Case.model_fields[name].default_factory())  # type: ignore[misc]
        direct = cls.model_validate({})
        for part in (a, b):
            assert type(part) is type(direct)
            assert list(part.__dict__.items()) == list(direct.__dict__.items())
            assert part.__pydantic_fields_set__ == direct.__pydantic_fields_set__ == set()
            assert part.__pydantic_extra__ == direct.__pydantic_extra__
            assert part.__pydantic_private__ == direct.__pydantic_private__
    assert built.model_dump() == validated.model_dump()
    assert built.patient is not Case().patient and built.primary.biomarkers is not Case().primary.biomarkers


def test_parts_validate_on_their_own_and_on_assignment() -> None:
    lesion = case_module.Lesion.model_validate({"id": "L1", "escc_grade": 2})
    assert lesion.escc_grade == "2"
    with pytest.raises(ValueError):
        lesion.escc_grade = "4"  # type: ignore[assignment]
    case = Case()
    with pytest.raises(ValueError):
        case.patient.ecog = 9


def test_package_names_load_on_first_use() -> None:
    import tumorboard.model as model
    from tumorboard.model import plan, result

    assert model.Result is result.Result is plan.Result
    assert model.Case is Case and model.parse_case_data is parse_case_data
    assert set(model.__all__) <= set(dir(model))
    with pytest.raises(AttributeError):
        model.Nothing  # noqa: B018
    with pytest.raises(AttributeError):
        result.Nothing  # noqa: B018
    assert plan.Result.model_fields["scores"].annotation == dict[str, result.ScoreResult]
