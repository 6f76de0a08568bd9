"""ESCC (Bilsky 2010): every grade and its group, 1c configurable, unknown grade reported as missing."""

from __future__ import annotations

import pytest

from tumorboard.model.case import Case, Lesion
from tumorboard.scores import escc


@pytest.mark.parametrize(
    ("grade", "band"),
    [("0", "low_grade"), ("1a", "low_grade"), ("1b", "low_grade"), ("1c", "low_grade"), ("2", "high_grade"),
     ("3", "high_grade")],
)
def test_grade_groups(grade: str, band: str) -> None:
    r = escc.score(Case(lesions=[Lesion(id="T9", levels=["T9"], escc_grade=grade)]))  # type: ignore[arg-type]
    assert r is not None and (r.value, r.band, r.determinate) == (grade, band, True)
    assert r.min is None and r.max is None


def test_1c_configurable() -> None:
    r = escc.score(Case(lesions=[Lesion(id="T9", levels=["T9"], escc_grade="1c")]), one_c_band="high_grade")
    assert r is not None and r.band == "high_grade"


def test_unknown_grade_is_missing(sacrum_case: Case) -> None:
    r = escc.score(sacrum_case)
    assert r is not None
    assert r.value is None and not r.determinate and r.missing == ["lesions.sacrum.escc_grade"]


def test_highest_grade_on_top() -> None:
    case = Case(lesions=[Lesion(id="A", levels=["T4"], escc_grade="1b"), Lesion(id="B", levels=["L2"], escc_grade="3"),
                         Lesion(id="C", levels=["T8"])])
    r = escc.score(case)
    assert r is not None and r.lesion == "B" and r.value == "3"
    assert r.by_lesion is not None and r.by_lesion["C"].missing == ["lesions.C.escc_grade"]
