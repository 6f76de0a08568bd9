"""Tomita (2001): every row, the bands, rapid growth = 4 (a known error prints 3), both visceral wordings kept
apart, and the whole input space (18 complete inputs; every partial one brute-forced)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.model.case import Case
from tumorboard.scores import tomita
from tumorboard.scores.table import band_of

SPINE = {"lesions.0.levels": ["L2"]}
BASE = {"primary.site": "breast", "disease.visceral_metastases": "none", "disease.skeletal_metastases": "solitary"}


def total(**changes: Any) -> Any:
    return run(tomita.score(case_from(SPINE, {**BASE, **changes}))).value


@pytest.mark.parametrize(("site", "points"), [("breast", 1), ("thyroid", 1), ("prostate", 1), ("kidney", 2),
                                              ("uterus", 2), ("lung", 4), ("liver", 4), ("stomach", 4), ("colon", 4),
                                              ("unknown_primary", 4)])
def test_growth_rows_named_sites(site: str, points: int) -> None:
    assert total(**{"primary.site": site}) == points + 0 + 1


def test_known_error_rapid_growth_is_4_not_3() -> None:
    assert tomita.GROWTH_ITEM.points["rapid"] == 4
    worst = case_from(SPINE, {"primary.site": "lung", "disease.visceral_metastases": "unremovable",
                              "disease.visceral_treatable": False, "disease.skeletal_metastases": "multiple"})
    assert run(tomita.score(worst)).value == 10  # the published maximum needs 4 + 4 + 2


@pytest.mark.parametrize("site", ["soft_tissue", "myeloma", "rectum", "osteosarcoma", "other"])
def test_unlisted_primaries_follow_others_with_a_note(site: str) -> None:
    r = run(tomita.score(case_from(SPINE, {**BASE, "primary.site": site})))
    assert r.value == 4 + 0 + 1 and any("convention" in n for n in r.notes)


def test_cervix_scored_as_uterus_with_a_note() -> None:
    r = run(tomita.score(case_from(SPINE, {**BASE, "primary.site": "cervix"})))
    assert r.value == 3 and any("uterus" in n for n in r.notes)


def test_every_primary_site_is_mapped() -> None:
    from tumorboard.model.vocabulary import PrimarySite, values

    assert set(values(PrimarySite)) == set(tomita.GROWTH)


@pytest.mark.parametrize(("fields", "points"), [
    ({"disease.visceral_metastases": "none"}, 0),
    ({"disease.visceral_metastases": "removable", "disease.visceral_treatable": True}, 2),
    ({"disease.visceral_metastases": "unremovable", "disease.visceral_treatable": False}, 4),
    ({"disease.visceral_metastases": None, "disease.visceral_treatable": True}, 2),
])
def test_visceral_rows(fields: dict[str, Any], points: int) -> None:
    assert total(**fields) == 1 + points + 1


def test_tokuhashi_wording_never_read_as_treatability() -> None:
    # "removable" (Tokuhashi) says nothing about "treatable" (Tomita): the item stays open between 2 and 4.
    r = run(tomita.score(case_from(SPINE, {**BASE, "disease.visceral_metastases": "removable"})))
    assert r.value is None and r.missing == ["disease.visceral_treatable"]
    assert r.inputs["visceral_metastases"].possible == [2, 4]


@pytest.mark.parametrize(("sk", "points"), [("solitary", 1), ("multiple", 2)])
def test_bone_rows(sk: str, points: int) -> None:
    assert total(**{"disease.skeletal_metastases": sk}) == 1 + 0 + points


@pytest.mark.parametrize(("value", "band"), [(2, "long_term_local_control"), (3, "long_term_local_control"),
                                             (4, "middle_term_local_control"), (5, "middle_term_local_control"),
                                             (6, "short_term_palliation"), (7, "short_term_palliation"),
                                             (8, "terminal_care"), (10, "terminal_care")])
def test_band_boundaries(value: int, band: str) -> None:
    assert band_of(tomita.BANDS, value).id == band


def test_rcc_example(rcc_case: Case) -> None:
    assert run(tomita.score(rcc_case)).value == 2 + 2 + 1


GROWTH = {"breast": 1, "kidney": 2, "lung": 4}
VISCERAL = {"none": 0, "treatable": 2, "untreatable": 4}
BONE = {"solitary": 1, "multiple": 2}


def build(a: dict[str, Any]) -> Case:
    v = a["visceral"]
    values: dict[str, Any] = {"primary.site": a["site"], "disease.skeletal_metastases": a["bone"]}
    if v == "none":
        values["disease.visceral_metastases"] = "none"
    elif v is not None:
        values |= {"disease.visceral_metastases": "removable", "disease.visceral_treatable": v == "treatable"}
    return case_from(SPINE, values)


SPACE = Space(
    fields={"site": list(GROWTH), "visceral": list(VISCERAL), "bone": list(BONE)},
    build=build,
    paths={"site": ("primary.site",), "visceral": ("disease.visceral_metastases", "disease.visceral_treatable"),
           "bone": ("disease.skeletal_metastases",)},
    score=tomita.score,
    expected=lambda a: GROWTH[a["site"]] + VISCERAL[a["visceral"]] + BONE[a["bone"]],
    band=lambda t: band_of(tomita.BANDS, t).id,
)


def test_input_space_is_18_and_exhaustive() -> None:
    assert len(SPACE.full()) == 18
    check_partial(SPACE, check_complete(SPACE))
