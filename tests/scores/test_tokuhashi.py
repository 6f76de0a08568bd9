"""Revised Tokuhashi (2005) against its published table (NICE CG75 Appendix 3): every row, the bands, the known
errors of secondary sources, and the whole input space (1,458 complete inputs, every partial one brute-forced)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.model.case import Case
from tumorboard.scores import tokuhashi
from tumorboard.scores.table import band_of

SPINE = {"lesions.0.id": "T9", "lesions.0.levels": ["T9"]}
# A complete baseline worth 0 + 0 + 0 + 0 + 0 + 0: KPS 30, >=3 extraspinal foci, >=3 vertebrae, unremovable
# visceral metastases, lung primary, Frankel A.
ZERO = {"patient.kps": 30, "disease.extraspinal_bone_metastases": 5, "disease.vertebral_body_metastases": 4,
        "disease.visceral_metastases": "unremovable", "primary.site": "lung", "neurology.frankel": "A"}


def total(**changes: Any) -> Any:
    return run(tokuhashi.score(case_from(SPINE, {**ZERO, **changes}))).value


def test_zero_baseline() -> None:
    assert total() == 0


@pytest.mark.parametrize(("kps", "points"), [(10, 0), (40, 0), (50, 1), (70, 1), (80, 2), (100, 2)])
def test_general_condition_rows(kps: int, points: int) -> None:
    assert total(**{"patient.kps": kps}) == points


@pytest.mark.parametrize(("count", "points"), [(0, 2), (1, 1), (2, 1), (3, 0), (10, 0)])
def test_extraspinal_rows(count: int, points: int) -> None:
    assert total(**{"disease.extraspinal_bone_metastases": count}) == points


@pytest.mark.parametrize(("count", "points"), [(1, 2), (2, 1), (3, 0), (7, 0)])
def test_vertebral_body_rows(count: int, points: int) -> None:
    assert total(**{"disease.vertebral_body_metastases": count}) == points


def test_known_error_vertebral_row_is_not_the_extraspinal_row() -> None:
    # Some reviews print the vertebral-body row as >=3 / 1-2 / 0 (copying the extraspinal row). Correct: >=3/2/1.
    assert total(**{"disease.vertebral_body_metastases": 1}) == 2  # would be 1 under the wrong row
    assert total(**{"disease.vertebral_body_metastases": 2}) == 1


@pytest.mark.parametrize(("visceral", "points"), [("unremovable", 0), ("removable", 1), ("none", 2)])
def test_visceral_rows(visceral: str, points: int) -> None:
    assert total(**{"disease.visceral_metastases": visceral}) == points


PRIMARY_POINTS = {
    "lung": 0, "osteosarcoma": 0, "stomach": 0, "bladder": 0, "esophagus": 0, "pancreas": 0,
    "liver": 1, "gallbladder": 1, "unknown_primary": 1,
    "kidney": 3, "uterus": 3, "rectum": 4, "thyroid": 5, "breast": 5, "prostate": 5, "carcinoid": 5,
    # not listed -> "others" 2 (convention); colon is not rectum; cervix scored as uterus (convention)
    "colon": 2, "ovary": 2, "head_neck": 2, "melanoma": 2, "myeloma": 2, "lymphoma": 2, "neuroendocrine": 2,
    "germ_cell": 2, "soft_tissue": 2, "bone_sarcoma_other": 2, "other": 2, "cervix": 3,
}


@pytest.mark.parametrize(("site", "points"), sorted(PRIMARY_POINTS.items()))
def test_primary_site_rows(site: str, points: int) -> None:
    assert total(**{"primary.site": site}) == points


def test_every_primary_site_is_mapped_and_conventions_are_said() -> None:
    from tumorboard.model.vocabulary import PrimarySite, values

    assert set(values(PrimarySite)) == set(PRIMARY_POINTS) == set(tokuhashi.PRIMARY)
    r = run(tokuhashi.score(case_from(SPINE, {**ZERO, "primary.site": "soft_tissue"})))
    assert any("others" in n for n in r.notes)
    r = run(tokuhashi.score(case_from(SPINE, {**ZERO, "primary.site": "breast"})))
    assert r.notes == []


@pytest.mark.parametrize(("grade", "points"), [("A", 0), ("B", 0), ("C", 1), ("D", 1), ("E", 2)])
def test_palsy_rows(grade: str, points: int) -> None:
    assert total(**{"neurology.frankel": grade}) == points


@pytest.mark.parametrize(("value", "band"), [(0, "under_6_months"), (8, "under_6_months"), (9, "over_6_months"),
                                             (11, "over_6_months"), (12, "over_12_months"), (15, "over_12_months")])
def test_band_boundaries_and_labels_not_inverted(value: int, band: str) -> None:
    # A notes site prints the survival labels inverted (">6 months" for 0-8): 0-8 is under 6 months.
    assert band_of(tokuhashi.BANDS, value).id == band


def test_ecog_is_not_converted_and_asia_not_read_as_frankel() -> None:
    c = case_from(SPINE, {**ZERO, "patient.kps": None, "patient.ecog": 0, "neurology.frankel": None,
                          "neurology.asia": "E"})
    r = run(tokuhashi.score(c))
    assert r.value is None and set(r.missing) == {"patient.kps", "neurology.frankel"}
    assert any("not converted" in n for n in r.notes)


def test_tomita_wording_is_not_read() -> None:
    c = case_from(SPINE, {**ZERO, "disease.visceral_metastases": None, "disease.visceral_treatable": True})
    assert run(tokuhashi.score(c)).missing == ["disease.visceral_metastases"]


def test_rcc_example(rcc_case: Case) -> None:
    r = run(tokuhashi.score(rcc_case))  # 2 + 2 + 2 + 1 + 3 + 2
    assert (r.value, r.band) == (12, "over_12_months")


def test_not_applicable_without_spinal_lesion(femur_case: Case) -> None:
    assert tokuhashi.score(femur_case) is None


# Whole input space: one representative value per category.
KPS = {30: 0, 60: 1, 90: 2}
EXTRA = {0: 2, 2: 1, 3: 0}
VERT = {1: 2, 2: 1, 3: 0}
VISC = {"unremovable": 0, "removable": 1, "none": 2}
SITE = {"lung": 0, "liver": 1, "colon": 2, "kidney": 3, "rectum": 4, "breast": 5}
FRANK = {"A": 0, "C": 1, "E": 2}
POINTS = {"patient.kps": KPS, "disease.extraspinal_bone_metastases": EXTRA, "disease.vertebral_body_metastases": VERT,
          "disease.visceral_metastases": VISC, "primary.site": SITE, "neurology.frankel": FRANK}
SPACE = Space(
    fields={k: list(v) for k, v in POINTS.items()},
    build=lambda a: case_from(SPINE, a),
    paths={k: (k,) for k in POINTS},
    score=tokuhashi.score,
    expected=lambda a: sum(POINTS[k][v] for k, v in a.items()),
    band=lambda t: band_of(tokuhashi.BANDS, t).id,
)


def test_input_space_is_1458_and_exhaustive() -> None:
    assert len(SPACE.full()) == 1458
    table = check_complete(SPACE)
    assert check_partial(SPACE, table) == 4**5 * 7 - 1458
