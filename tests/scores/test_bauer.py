"""Bauer (1995) and modified Bauer (Leithner 2008): every item, the bands, and the whole input space."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.model.case import Case
from tumorboard.scores import bauer
from tumorboard.scores.table import band_of

BONE = {"lesions.0.region": "femur"}
GOOD = {"disease.visceral_metastases": "none", "disease.brain_metastases": False,
        "disease.skeletal_metastases": "solitary", "primary.site": "breast", "disease.pathological_fracture": False}


def both(**changes: Any) -> tuple[Any, Any]:
    c = case_from(BONE, {**GOOD, **changes})
    return run(bauer.score(c)).value, run(bauer.score_modified(c)).value


def test_all_favourable() -> None:
    assert both() == (5, 4)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"disease.visceral_metastases": "removable"}, (4, 3)),
    ({"disease.brain_metastases": True}, (4, 3)),  # "visceral or brain metastases"
    ({"disease.skeletal_metastases": "multiple"}, (4, 3)),
    ({"primary.site": "lung"}, (3, 2)),  # loses "not lung" and "favourable"
    ({"primary.site": "prostate"}, (4, 3)),  # not lung, not favourable
    ({"primary.site": "kidney"}, (5, 4)),
    ({"primary.site": "lymphoma"}, (5, 4)),
    ({"primary.site": "myeloma"}, (5, 4)),
    ({"disease.pathological_fracture": True}, (4, 4)),  # the item the modified score drops
])
def test_item_rows(changes: dict[str, Any], expected: tuple[int, int]) -> None:
    assert both(**changes) == expected


@pytest.mark.parametrize(("value", "original", "modified"), [(0, "poor", "poor"), (1, "poor", "poor"),
                                                             (2, "moderate", "moderate"), (3, "moderate", "good"),
                                                             (4, "good", "good")])
def test_band_boundaries(value: int, original: str, modified: str) -> None:
    assert band_of(bauer.BANDS, value).id == original
    assert band_of(bauer.BANDS_MODIFIED, value).id == modified
    assert band_of(bauer.BANDS, 5).id == "good"


def test_unknown_primary_convention_is_said() -> None:
    r = run(bauer.score(case_from(BONE, {**GOOD, "primary.site": "unknown_primary"})))
    assert r.value == 4 and any("unknown primary" in n for n in r.notes)


def test_modified_score_says_it_is_spinal(femur_case: Case, rcc_case: Case) -> None:
    assert any("spinal" in n for n in run(bauer.score_modified(femur_case)).notes)
    assert not any("spinal" in n for n in run(bauer.score_modified(rcc_case)).notes)


def test_not_applicable_to_soft_tissue_only() -> None:
    assert bauer.score(case_from({"lesions.0.region": "soft_tissue"}, GOOD)) is None


SITES = {"lung": (0, 0), "breast": (1, 1), "prostate": (1, 0)}  # (not lung, favourable); lung+favourable impossible


def expected(a: dict[str, Any], modified: bool) -> int:
    no_visc = int(a["visceral"] == "none" and a["brain"] is False)
    total = no_visc + int(a["skeletal"] == "solitary") + sum(SITES[a["site"]])
    return total if modified else total + int(a["fracture"] is False)


def space(modified: bool) -> Space:
    fields: dict[str, list[Any]] = {"visceral": ["none", "removable"], "brain": [False, True],
                                    "skeletal": ["solitary", "multiple"], "site": list(SITES)}
    if not modified:
        fields["fracture"] = [False, True]
    paths = {"visceral": ("disease.visceral_metastases",), "brain": ("disease.brain_metastases",),
             "skeletal": ("disease.skeletal_metastases",), "site": ("primary.site",),
             "fracture": ("disease.pathological_fracture",)}
    names = {"visceral": "disease.visceral_metastases", "brain": "disease.brain_metastases",
             "skeletal": "disease.skeletal_metastases", "site": "primary.site",
             "fracture": "disease.pathological_fracture"}
    return Space(
        fields=fields,
        build=lambda a: case_from(BONE, {names[k]: v for k, v in a.items() if v is not None}),
        paths=paths,
        score=bauer.score_modified if modified else bauer.score,
        expected=lambda a: expected(a, modified),
        band=lambda t: band_of(bauer.BANDS_MODIFIED if modified else bauer.BANDS, t).id,
    )


@pytest.mark.parametrize("modified", [False, True])
def test_input_space_exhaustive(modified: bool) -> None:
    s = space(modified)
    # 2^5 = 32 item patterns for Bauer; the three primary-site patterns cover the realisable histology pairs.
    assert len(s.full()) == (24 if modified else 48)
    check_partial(s, check_complete(s))
