"""NESMS and the van der Linden score: every row, the bands, the NESMS ceiling, and the input spaces."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.model.case import Case
from tumorboard.scores import bauer, nesms, van_der_linden
from tumorboard.scores.table import band_of

SPINE = {"lesions.0.levels": ["T7"]}

# --- NESMS -----------------------------------------------------------------------------------------------------------
MB4 = {"disease.visceral_metastases": "none", "disease.brain_metastases": False,
       "disease.skeletal_metastases": "solitary", "primary.site": "breast"}  # modified Bauer 4


@pytest.mark.parametrize(("changes", "points"), [
    ({}, 3),  # 2 + 1 + 1 = 4, ceiling of three
    ({"patient.ambulatory": "assisted"}, 3), ({"labs.albumin_g_dl": 3.4}, 3),
    ({"patient.ambulatory": "non_ambulatory", "labs.albumin_g_dl": 3.0}, 2),
    ({"primary.site": "lung"}, 2),  # modified Bauer 2 -> 0 points; ambulatory 1 + albumin 1
    ({"primary.site": "lung", "patient.ambulatory": "assisted"}, 1),
    ({"primary.site": "lung", "patient.ambulatory": "assisted", "labs.albumin_g_dl": 3.49}, 0),
])
def test_nesms_rows(changes: dict[str, Any], points: int) -> None:
    base = {**MB4, "patient.ambulatory": "independent", "labs.albumin_g_dl": 3.5}
    r = run(nesms.score(case_from(SPINE, {**base, **changes})))
    assert (r.value, r.band) == (points, str(points))


def test_nesms_ceiling_is_said() -> None:
    r = run(nesms.score(case_from(SPINE, {**MB4, "patient.ambulatory": "independent", "labs.albumin_g_dl": 4.0})))
    assert r.value == 3 and any("ceiling" in n for n in r.notes) and r.max == 3


def test_nesms_modified_bauer_threshold_from_the_range() -> None:
    # breast + solitary + no visceral, brain unknown: modified Bauer 3-4, always >=3 -> 2 points, decided
    c = case_from(SPINE, {**MB4, "disease.brain_metastases": None, "patient.ambulatory": "assisted",
                          "labs.albumin_g_dl": 3.0})
    assert run(nesms.score(c)).value == 2


def test_nesms_rcc(rcc_case: Case) -> None:
    assert run(nesms.score(rcc_case)).value == 3  # modified Bauer 3 (2 pts) + independent + albumin 3.8


MB_SITES = ("breast", "prostate", "lung")
AMB = {"independent": 1, "assisted": 0, "non_ambulatory": 0}


def nesms_expected(a: dict[str, Any]) -> int:
    c = case_from(SPINE, {"disease.visceral_metastases": a["visceral"], "disease.brain_metastases": a["brain"],
                          "disease.skeletal_metastases": a["skeletal"], "primary.site": a["site"]})
    mb = run(bauer.score_modified(c)).value
    return min(3, (2 if mb >= 3 else 0) + AMB[a["ambulatory"]] + int(a["albumin"] >= 3.5))


NAMES = {"visceral": "disease.visceral_metastases", "brain": "disease.brain_metastases",
         "skeletal": "disease.skeletal_metastases", "site": "primary.site", "ambulatory": "patient.ambulatory",
         "albumin": "labs.albumin_g_dl"}
NESMS_SPACE = Space(
    fields={"visceral": ["none", "removable"], "brain": [False, True], "skeletal": ["solitary", "multiple"],
            "site": list(MB_SITES), "ambulatory": list(AMB), "albumin": [3.0, 4.0]},
    build=lambda a: case_from(SPINE, {NAMES[k]: v for k, v in a.items() if v is not None}),
    paths={k: (v,) for k, v in NAMES.items()},
    score=nesms.score,
    expected=nesms_expected,
    band=lambda t: str(int(t)),
)


def test_nesms_input_space() -> None:
    check_partial(NESMS_SPACE, check_complete(NESMS_SPACE, sum_of_items=False), exact_missing=False)


# --- van der Linden --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kps", "points"), [(20, 0), (40, 0), (50, 1), (70, 1), (80, 2), (100, 2)])
def test_vdl_kps_rows(kps: int, points: int) -> None:
    c = case_from(SPINE, {"patient.kps": kps, "primary.site": "kidney", "disease.visceral_metastases": "removable"})
    assert run(van_der_linden.score(c)).value == points


@pytest.mark.parametrize(("site", "points"), [("breast", 3), ("prostate", 2), ("lung", 1), ("kidney", 0),
                                              ("soft_tissue", 0), ("unknown_primary", 0)])
def test_vdl_primary_rows(site: str, points: int) -> None:
    c = case_from(SPINE, {"patient.kps": 30, "primary.site": site, "disease.visceral_metastases": "unremovable"})
    assert run(van_der_linden.score(c)).value == points


@pytest.mark.parametrize(("visceral", "points"), [("none", 1), ("removable", 0), ("unremovable", 0)])
def test_vdl_visceral_rows(visceral: str, points: int) -> None:
    c = case_from(SPINE, {"patient.kps": 30, "primary.site": "kidney", "disease.visceral_metastases": visceral})
    assert run(van_der_linden.score(c)).value == points


@pytest.mark.parametrize(("value", "band"), [(0, "poor"), (3, "poor"), (4, "intermediate"), (5, "intermediate"),
                                             (6, "good")])
def test_vdl_bands(value: int, band: str) -> None:
    assert band_of(van_der_linden.BANDS, value).id == band


VKPS = {30: 0, 60: 1, 90: 2}
VSITE = {"breast": 3, "prostate": 2, "lung": 1, "kidney": 0}
VVISC = {"none": 1, "removable": 0}
VNAMES = {"kps": "patient.kps", "site": "primary.site", "visceral": "disease.visceral_metastases"}
VDL_SPACE = Space(
    fields={"kps": list(VKPS), "site": list(VSITE), "visceral": list(VVISC)},
    build=lambda a: case_from(SPINE, {VNAMES[k]: v for k, v in a.items() if v is not None}),
    paths={k: (v,) for k, v in VNAMES.items()},
    score=van_der_linden.score,
    expected=lambda a: VKPS[a["kps"]] + VSITE[a["site"]] + VVISC[a["visceral"]],
    band=lambda t: band_of(van_der_linden.BANDS, t).id,
)


def test_vdl_input_space() -> None:
    assert len(VDL_SPACE.full()) == 24
    check_partial(VDL_SPACE, check_complete(VDL_SPACE))
