"""New Katagiri (2014): every row, the calibration bands (<=3 low, 4-6 intermediate, >=7 high), the laboratory tiers,
the unverified histology placements left open, and the input space (216 complete; every partial one brute-forced)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.scores import katagiri
from tumorboard.scores.table import band_of

BONE = {"lesions.0.region": "humerus"}
NORMAL_LABS = {"labs.crp_mg_dl": 0.1, "labs.ldh_iu_l": 180, "labs.albumin_g_dl": 4.2, "labs.platelets_per_ul": 250000,
               "labs.calcium_mg_dl": 9.4, "labs.bilirubin_mg_dl": 0.6}
ZERO = {"primary.site": "thyroid", "disease.visceral_pattern": "none", **NORMAL_LABS, "patient.ecog": 1,
        "history.prior_chemotherapy": False, "disease.skeletal_metastases": "solitary"}


def total(**changes: Any) -> Any:
    return run(katagiri.score(case_from(BONE, {**ZERO, **changes}))).value


def test_zero_baseline() -> None:
    assert total() == 0


@pytest.mark.parametrize(("changes", "points"), [
    ({"primary.site": "breast", "primary.hormone_dependent": True}, 0),
    ({"primary.site": "prostate", "primary.hormone_dependent": True}, 0),
    ({"primary.site": "myeloma"}, 0), ({"primary.site": "lymphoma"}, 0),
    ({"primary.site": "lung", "primary.targeted_therapy_available": True}, 2),
    ({"primary.site": "breast", "primary.hormone_dependent": False}, 2),
    ({"primary.site": "prostate", "primary.hormone_dependent": False}, 2),
    ({"primary.site": "kidney"}, 2), ({"primary.site": "soft_tissue"}, 2), ({"primary.site": "osteosarcoma"}, 2),
    ({"primary.site": "lung", "primary.targeted_therapy_available": False}, 3),
    ({"primary.site": "colon"}, 3), ({"primary.site": "rectum"}, 3), ({"primary.site": "stomach"}, 3),
    ({"primary.site": "pancreas"}, 3), ({"primary.site": "head_neck"}, 3), ({"primary.site": "esophagus"}, 3),
    ({"primary.site": "melanoma"}, 3), ({"primary.site": "liver"}, 3), ({"primary.site": "unknown_primary"}, 3),
])
def test_primary_lesion_rows(changes: dict[str, Any], points: int) -> None:
    assert total(**changes) == points


@pytest.mark.parametrize("site", sorted(katagiri.UNVERIFIED))
def test_unverified_placements_are_left_open(site: str) -> None:
    r = run(katagiri.score(case_from(BONE, {**ZERO, "primary.site": site})))
    assert r.value is None and (r.min, r.max) == (2, 3) and r.missing == []
    assert any("not verified" in n for n in r.notes)


def test_every_primary_site_is_placed() -> None:
    from tumorboard.model.vocabulary import PrimarySite, values

    placed = set(katagiri.FIXED) | set(katagiri.DEPENDS) | set(katagiri.UNVERIFIED)
    assert placed == set(values(PrimarySite))


def test_treatability_decides_not_the_organ() -> None:
    r = run(katagiri.score(case_from(BONE, {**ZERO, "primary.site": "breast"})))
    assert r.missing == ["primary.hormone_dependent"] and r.inputs["primary_lesion"].possible == [0, 2]
    r = run(katagiri.score(case_from(BONE, {**ZERO, "primary.site": "lung"})))
    assert r.missing == ["primary.targeted_therapy_available"] and r.inputs["primary_lesion"].possible == [2, 3]


@pytest.mark.parametrize(("pattern", "points"), [("none", 0), ("nodular", 1), ("disseminated", 2)])
def test_visceral_rows(pattern: str, points: int) -> None:
    assert total(**{"disease.visceral_pattern": pattern}) == points


@pytest.mark.parametrize(("lab", "value", "points"), [
    ("labs.crp_mg_dl", 0.39, 0), ("labs.crp_mg_dl", 0.4, 1), ("labs.ldh_iu_l", 249, 0), ("labs.ldh_iu_l", 250, 1),
    ("labs.albumin_g_dl", 3.7, 0), ("labs.albumin_g_dl", 3.69, 1),
    ("labs.platelets_per_ul", 100000, 0), ("labs.platelets_per_ul", 99999, 2),
    ("labs.calcium_mg_dl", 10.29, 0), ("labs.calcium_mg_dl", 10.3, 2),
    ("labs.bilirubin_mg_dl", 1.39, 0), ("labs.bilirubin_mg_dl", 1.4, 2),
])
def test_laboratory_thresholds(lab: str, value: float, points: int) -> None:
    assert total(**{lab: value}) == points


def test_laboratory_item_is_the_worse_tier_never_three() -> None:
    assert total(**{"labs.crp_mg_dl": 2.0, "labs.ldh_iu_l": 400, "labs.platelets_per_ul": 50000}) == 2


@pytest.mark.parametrize(("ecog", "points"), [(0, 0), (2, 0), (3, 1), (4, 1)])
def test_ecog_rows(ecog: int, points: int) -> None:
    assert total(**{"patient.ecog": ecog}) == points


def test_kps_is_not_converted() -> None:
    r = run(katagiri.score(case_from(BONE, {**ZERO, "patient.ecog": None, "patient.kps": 30})))
    assert r.missing == ["patient.ecog"] and any("not converted" in n for n in r.notes)


def test_chemo_and_multiple_rows() -> None:
    assert total(**{"history.prior_chemotherapy": True}) == 1
    assert total(**{"disease.skeletal_metastases": "multiple"}) == 1


@pytest.mark.parametrize(("value", "band"), [(0, "low"), (3, "low"), (4, "intermediate"), (6, "intermediate"),
                                             (7, "high"), (10, "high")])
def test_calibration_bands(value: int, band: str) -> None:
    # Katagiri 2014: <=3 1-year survival 91%; >=7 6-month 27%, 1-year 6%; 4-6 in between.
    assert band_of(katagiri.BANDS, value).id == band


def test_calibration_examples() -> None:
    low = case_from(BONE, {**ZERO, "primary.site": "kidney", "disease.visceral_pattern": "nodular"})
    assert (run(katagiri.score(low)).value, run(katagiri.score(low)).band) == (3, "low")
    high = case_from(BONE, {**ZERO, "primary.site": "colon", "disease.visceral_pattern": "disseminated",
                            "labs.platelets_per_ul": 80000, "patient.ecog": 3, "history.prior_chemotherapy": True,
                            "disease.skeletal_metastases": "multiple"})
    assert (run(katagiri.score(high)).value, run(katagiri.score(high)).band) == (10, "high")


PRIMARY = {"thyroid": 0, "kidney": 2, "colon": 3}
VISC = {"none": 0, "nodular": 1, "disseminated": 2}
LAB = {"normal": 0, "abnormal": 1, "critical": 2}
LAB_VALUES = {"normal": NORMAL_LABS, "abnormal": {**NORMAL_LABS, "labs.crp_mg_dl": 1.0},
              "critical": {**NORMAL_LABS, "labs.platelets_per_ul": 50000}}
ALL_LABS = tuple(NORMAL_LABS)


def build(a: dict[str, Any]) -> Any:
    v: dict[str, Any] = {}
    if a["primary"] is not None:
        v["primary.site"] = a["primary"]
    if a["visceral"] is not None:
        v["disease.visceral_pattern"] = a["visceral"]
    if a["labs"] is not None:
        v |= LAB_VALUES[a["labs"]]
    if a["ecog"] is not None:
        v["patient.ecog"] = a["ecog"]
    if a["chemo"] is not None:
        v["history.prior_chemotherapy"] = a["chemo"]
    if a["multiple"] is not None:
        v["disease.skeletal_metastases"] = a["multiple"]
    return case_from(BONE, v)


SPACE = Space(
    fields={"primary": list(PRIMARY), "visceral": list(VISC), "labs": list(LAB), "ecog": [1, 3],
            "chemo": [False, True], "multiple": ["solitary", "multiple"]},
    build=build,
    paths={"primary": ("primary.site",), "visceral": ("disease.visceral_pattern",), "labs": ALL_LABS,
           "ecog": ("patient.ecog",), "chemo": ("history.prior_chemotherapy",),
           "multiple": ("disease.skeletal_metastases",)},
    score=katagiri.score,
    expected=lambda a: (PRIMARY[a["primary"]] + VISC[a["visceral"]] + LAB[a["labs"]] + int(a["ecog"] >= 3)
                        + int(a["chemo"]) + int(a["multiple"] == "multiple")),
    band=lambda t: band_of(katagiri.BANDS, t).id,
)


def test_input_space_is_216_and_exhaustive() -> None:
    assert len(SPACE.full()) == 216
    check_partial(SPACE, check_complete(SPACE))


# The laboratory item alone: six labs, each normal, out of range or unrecorded (729 inputs).
OUT = {"labs.crp_mg_dl": 1.0, "labs.ldh_iu_l": 400, "labs.albumin_g_dl": 3.0, "labs.platelets_per_ul": 50000,
       "labs.calcium_mg_dl": 11.0, "labs.bilirubin_mg_dl": 2.0}
CRITICAL = {"labs.platelets_per_ul", "labs.calcium_mg_dl", "labs.bilirubin_mg_dl"}


def lab_tier(a: dict[str, Any]) -> int:
    high = {k for k, v in a.items() if v == "out"}
    return 2 if high & CRITICAL else 1 if high else 0


LAB_SPACE = Space(
    fields={k: ["normal", "out"] for k in ALL_LABS},
    build=lambda a: case_from(BONE, {**{k: v for k, v in ZERO.items() if not k.startswith("labs.")},
                                     **{k: (NORMAL_LABS[k] if v == "normal" else OUT[k]) for k, v in a.items()
                                        if v is not None}}),
    paths={k: (k,) for k in ALL_LABS},
    score=katagiri.score,
    expected=lab_tier,
    band=lambda t: band_of(katagiri.BANDS, t).id,
)


def test_laboratory_space_brute_force() -> None:
    table = check_complete(LAB_SPACE)
    assert check_partial(LAB_SPACE, table) == 3**6 - 2**6
