"""Mirels (81 complete inputs), Harrington (class IV is resectability) and FNCLCC (27 complete inputs)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scores.brute import Space, case_from, check_complete, check_partial, run
from tumorboard.model.case import Case, Lesion
from tumorboard.scores import fnclcc, harrington, mirels
from tumorboard.scores.table import band_of

# --- Mirels ----------------------------------------------------------------------------------------------------------
SITES = {"upper": ({"lesions.0.region": "humerus"}, 1),
         "lower": ({"lesions.0.region": "femur", "lesions.0.structures": ["cortex"]}, 2),
         "peri": ({"lesions.0.region": "femur", "lesions.0.structures": ["peritrochanteric"]}, 3)}
PAIN = {"mild": 1, "moderate": 2, "functional": 3}
LESION = {"blastic": 1, "mixed": 2, "lytic": 3}
SIZE = {"lt_one_third": 1, "one_to_two_thirds": 2, "gt_two_thirds": 3}


def mirels_case(a: dict[str, Any]) -> Case:
    values: dict[str, Any] = {"lesions.0.id": "L1"}
    values |= SITES[a["site"]][0] if a["site"] else {"lesions.0.region": "femur"}
    if a["pain"]:
        values["pain.limb_pain"] = a["pain"]
    if a["lesion"]:
        values["lesions.0.bone_lesion"] = a["lesion"]
    if a["size"]:
        values["lesions.0.cortical_fraction"] = a["size"]
    return case_from({}, values)


MIRELS = Space(
    fields={"site": list(SITES), "pain": list(PAIN), "lesion": list(LESION), "size": list(SIZE)},
    build=mirels_case,
    paths={"site": ("lesions.L1.structures",), "pain": ("pain.limb_pain",), "lesion": ("lesions.L1.bone_lesion",),
           "size": ("lesions.L1.cortical_fraction",)},
    score=mirels.score,
    expected=lambda a: SITES[a["site"]][1] + PAIN[a["pain"]] + LESION[a["lesion"]] + SIZE[a["size"]],
    band=lambda t: band_of(mirels.BANDS, t).id,
    completions={"site": ["lower", "peri"]},  # an unrecorded femoral site is lower limb or peritrochanteric
)


def test_mirels_input_space_is_81_and_exhaustive() -> None:
    assert len(MIRELS.full()) == 81
    check_partial(MIRELS, check_complete(MIRELS))


@pytest.mark.parametrize(("region", "structures", "points"), [
    ("humerus", None, 1), ("tibia", None, 2), ("femur", ["cortex"], 2), ("femur", ["peritrochanteric"], 3)])
def test_mirels_site_rows(region: str, structures: list[str] | None, points: int) -> None:
    c = Case(lesions=[Lesion(id="L", region=region, structures=structures, bone_lesion="blastic",  # type: ignore[arg-type]
                             cortical_fraction="lt_one_third", limb_pain="mild")])
    assert run(mirels.score(c)).value == points + 3


@pytest.mark.parametrize(("value", "band"), [(4, "radiotherapy_observe"), (7, "radiotherapy_observe"),
                                             (8, "clinical_judgement"), (9, "prophylactic_fixation"),
                                             (12, "prophylactic_fixation")])
def test_mirels_bands(value: int, band: str) -> None:
    assert band_of(mirels.BANDS, value).id == band


def test_mirels_worked_example_10() -> None:
    # Lytic proximal femoral diaphysis lesion, half the diameter, severe pain at rest: 3 + 2 + 2 + 3 = 10.
    c = Case(lesions=[Lesion(id="F", region="femur", structures=["cortex"], bone_lesion="lytic",
                             cortical_fraction="one_to_two_thirds", limb_pain="functional")])
    r = run(mirels.score(c))
    assert (r.value, r.band) == (10, "prophylactic_fixation")


def test_mirels_femur_example(femur_case: Case) -> None:
    r = run(mirels.score(femur_case))
    assert (r.value, r.band, r.lesion) == (12, "prophylactic_fixation", "left-femur")


def test_mirels_worst_lesion_on_top() -> None:
    c = Case(lesions=[
        Lesion(id="H", region="humerus", bone_lesion="blastic", cortical_fraction="lt_one_third", limb_pain="mild"),
        Lesion(id="F", region="femur", structures=["peritrochanteric"], bone_lesion="lytic",
               cortical_fraction="gt_two_thirds", limb_pain="moderate"),
        Lesion(id="S", levels=["T4"]),
    ])
    r = run(mirels.score(c))
    assert r.lesion == "F" and r.value == 11 and r.by_lesion is not None and set(r.by_lesion) == {"H", "F"}


def test_mirels_not_for_spine(rcc_case: Case) -> None:
    assert mirels.score(rcc_case) is None


# --- Harrington ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cls", "words"), [("I", "conventional"), ("II", "protrusio"), ("III", "Steinmann"),
                                            ("IV", "en-bloc")])
def test_harrington_classes_and_reconstruction(cls: str, words: str) -> None:
    r = run(harrington.score(Case(lesions=[Lesion(id="A", region="acetabulum", harrington_class=cls)])))  # type: ignore[arg-type]
    assert (r.value, r.band, r.min, r.max, r.determinate) == (cls, cls, None, None, True)
    assert words in harrington.reconstruction(cls) and words in r.interpretation


def test_known_error_harrington_iv_is_resectability_not_destruction() -> None:
    definition = harrington.CLASSES["IV"][0].lower()
    assert "resection for cure" in definition
    assert "destruct" not in definition.replace("not extent of destruction", "")
    assert "iliac wing" not in definition


def test_harrington_unknown_and_applicability() -> None:
    r = run(harrington.score(Case(lesions=[Lesion(id="P", region="pelvis", structures=["acetabulum"])])))
    assert r.value is None and r.missing == ["lesions.P.harrington_class"] and r.possible_bands == ["I", "II", "III",
                                                                                                    "IV"]
    assert harrington.score(Case(lesions=[Lesion(id="P", region="pelvis", structures=["ilium"])])) is None


def test_harrington_top_lesion_and_by_lesion() -> None:
    c = Case(lesions=[Lesion(id="L", region="acetabulum", harrington_class="II"),
                      Lesion(id="R", region="acetabulum", harrington_class="III"),
                      Lesion(id="X", region="acetabulum")])
    r = run(harrington.score(c))
    assert r.lesion == "R" and r.by_lesion is not None and set(r.by_lesion) == {"L", "R", "X"}


# --- FNCLCC ----------------------------------------------------------------------------------------------------------
MITOSES = {5: 1, 15: 2, 25: 3}
NECROSIS = {"none": 0, "lt50": 1, "ge50": 2}


@pytest.mark.parametrize(("count", "points"), [(0, 1), (9, 1), (10, 2), (19, 2), (20, 3), (80, 3)])
def test_fnclcc_mitoses_rows(count: int, points: int) -> None:
    c = case_from({}, {"primary.site": "soft_tissue", "primary.fnclcc.differentiation": 1,
                       "primary.fnclcc.mitoses_per_10hpf": count, "primary.fnclcc.necrosis": "none"})
    assert run(fnclcc.score(c)).value == 1 + points


@pytest.mark.parametrize(("value", "band"), [(2, "G1"), (3, "G1"), (4, "G2"), (5, "G2"), (6, "G3"), (8, "G3")])
def test_fnclcc_bands(value: int, band: str) -> None:
    assert band_of(fnclcc.BANDS, value).id == band


FN_NAMES = {"differentiation": "primary.fnclcc.differentiation", "mitoses": "primary.fnclcc.mitoses_per_10hpf",
            "necrosis": "primary.fnclcc.necrosis"}
FNCLCC = Space(
    fields={"differentiation": [1, 2, 3], "mitoses": list(MITOSES), "necrosis": list(NECROSIS)},
    build=lambda a: case_from({"primary.site": "soft_tissue"}, {FN_NAMES[k]: v for k, v in a.items() if v is not None}),
    paths={k: (v, "primary.grade") for k, v in FN_NAMES.items()},
    score=fnclcc.score,
    expected=lambda a: a["differentiation"] + MITOSES[a["mitoses"]] + NECROSIS[a["necrosis"]],
    band=lambda t: band_of(fnclcc.BANDS, t).id,
)


def test_fnclcc_input_space() -> None:
    assert len(FNCLCC.full()) == 27
    table = check_complete(FNCLCC)
    for a in FNCLCC.partial():  # the recorded grade is the alternative to the components
        r = run(FNCLCC.score(FNCLCC.build(a)))
        assert "primary.grade" in r.missing
    check_partial(FNCLCC, table, exact_missing=False)


def test_fnclcc_falls_back_to_recorded_grade() -> None:
    r = run(fnclcc.score(case_from({}, {"primary.site": "soft_tissue", "primary.grade": "G3"})))
    assert (r.value, r.band, r.determinate, r.missing) == (None, "G3", True, [])
    assert any("as recorded" in n for n in r.notes)


def test_fnclcc_components_win_over_recorded_grade() -> None:
    c = case_from({}, {"primary.site": "soft_tissue", "primary.grade": "G1", "primary.fnclcc.differentiation": 3,
                       "primary.fnclcc.mitoses_per_10hpf": 30, "primary.fnclcc.necrosis": "ge50"})
    assert (run(fnclcc.score(c)).value, run(fnclcc.score(c)).band) == (8, "G3")


def test_fnclcc_not_for_carcinoma(rcc_case: Case) -> None:
    assert fnclcc.score(rcc_case) is None
