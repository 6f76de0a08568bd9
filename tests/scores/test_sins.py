"""SINS against Fisher 2010, Table 1: every row, the published worked examples, and the whole input space."""

from __future__ import annotations

from itertools import product

import pytest

from tumorboard.model.case import Case, Lesion, Pain
from tumorboard.scores import sins


def case_with(lesion: dict[str, object], pain: str | None = None) -> Case:
    return Case(lesions=[Lesion(id="L1", **lesion)], pain=Pain(character=pain))  # type: ignore[arg-type]


FULL = {"levels": ["T6"], "bone_lesion": "blastic", "alignment": "normal", "collapse": "none", "posterolateral": "none"}


@pytest.mark.parametrize(
    ("level", "points"),
    [("occiput", 3), ("C1", 3), ("C2", 3), ("C3", 2), ("C6", 2), ("C7", 3), ("T1", 3), ("T2", 3), ("T3", 1),
     ("T10", 1), ("T11", 3), ("T12", 3), ("L1", 3), ("L2", 2), ("L4", 2), ("L5", 3), ("S1", 3), ("S2", 0), ("S5", 0)],
)
def test_location_rows(level: str, points: int) -> None:
    r = sins.score(case_with({**FULL, "levels": [level]}, "none"))
    assert r is not None and r.value == points


@pytest.mark.parametrize(("pain", "points"), [("mechanical", 3), ("occasional_non_mechanical", 1), ("none", 0)])
def test_pain_rows(pain: str, points: int) -> None:
    r = sins.score(case_with(FULL, pain))
    assert r is not None and r.value == 1 + points  # T6 semirigid = 1


@pytest.mark.parametrize(
    ("field", "category", "points"),
    [("bone_lesion", "lytic", 2), ("bone_lesion", "mixed", 1), ("bone_lesion", "blastic", 0),
     ("alignment", "subluxation_translation", 4), ("alignment", "de_novo_deformity", 2), ("alignment", "normal", 0),
     ("collapse", "gt50", 3), ("collapse", "lt50", 2), ("collapse", "none_gt50_involved", 1), ("collapse", "none", 0),
     ("posterolateral", "bilateral", 3), ("posterolateral", "unilateral", 1), ("posterolateral", "none", 0)],
)
def test_item_rows(field: str, category: str, points: int) -> None:
    r = sins.score(case_with({**FULL, field: category}, "none"))
    assert r is not None and r.value == 1 + points


def test_worked_example_9_indeterminate() -> None:
    # junctional, occasional non-mechanical pain, lytic, normal alignment, <50% collapse, unilateral: 3+1+2+0+2+1
    r = sins.score(case_with({"levels": ["T12"], "bone_lesion": "lytic", "alignment": "normal", "collapse": "lt50",
                              "posterolateral": "unilateral"}, "occasional_non_mechanical"))
    assert r is not None and (r.value, r.band) == (9, "indeterminate")


def test_worked_example_15_unstable() -> None:
    # mobile, mechanical pain, lytic, kyphosis, >50% collapse, bilateral: 2+3+2+2+3+3
    r = sins.score(case_with({"levels": ["L3"], "bone_lesion": "lytic", "alignment": "de_novo_deformity",
                              "collapse": "gt50", "posterolateral": "bilateral"}, "mechanical"))
    assert r is not None and (r.value, r.band) == (15, "unstable")


@pytest.mark.parametrize(("total", "band"), [(0, "stable"), (6, "stable"), (7, "indeterminate"),
                                             (12, "indeterminate"), (13, "unstable"), (18, "unstable")])
def test_band_boundaries(total: int, band: str) -> None:
    from tumorboard.scores.table import band_of

    assert band_of(sins.BANDS, total).id == band


LOCS = {"junctional": "C1", "mobile": "C4", "semirigid": "T5", "rigid": "S3"}
SPACE = list(product(LOCS, sins.PAIN.points, sins.BONE_LESION.points, sins.ALIGNMENT.points,
                     sins.COLLAPSE.points, sins.POSTEROLATERAL.points))


def test_input_space_is_1296() -> None:
    assert len(SPACE) == 1296


def test_exhaustive_total_is_sum_and_band_partition() -> None:
    for loc, pain, bone, align, collapse, post in SPACE:
        r = sins.score(case_with({"levels": [LOCS[loc]], "bone_lesion": bone, "alignment": align,
                                  "collapse": collapse, "posterolateral": post}, pain))
        assert r is not None
        expected = (sins.LOCATION.points[loc] + sins.PAIN.points[pain] + sins.BONE_LESION.points[bone]
                    + sins.ALIGNMENT.points[align] + sins.COLLAPSE.points[collapse]
                    + sins.POSTEROLATERAL.points[post])
        assert r.value == expected == r.min == r.max
        assert r.band == ("stable" if expected <= 6 else "indeterminate" if expected <= 12 else "unstable")
        assert r.determinate and r.missing == []
        assert sum(i.points or 0 for i in r.inputs.values()) == r.value


def test_missing_pain_gives_range_and_determinacy() -> None:
    # lytic T6 with >50% collapse and bilateral: 1+2+0+3+3 = 9 without pain -> 9..12, always indeterminate
    r = sins.score(case_with({"levels": ["T6"], "bone_lesion": "lytic", "alignment": "normal", "collapse": "gt50",
                              "posterolateral": "bilateral"}))
    assert r is not None
    assert (r.value, r.min, r.max, r.band, r.determinate) == (None, 9, 12, "indeterminate", True)
    assert r.missing == ["pain.character"]
    # junctional with subluxation: 3+2+4+3+3 = 15 known... use a case that straddles bands instead
    r2 = sins.score(case_with({"levels": ["T6"], "bone_lesion": "lytic", "alignment": "normal", "collapse": "lt50",
                               "posterolateral": "unilateral"}))
    assert r2 is not None
    assert (r2.min, r2.max, r2.band, r2.determinate) == (6, 9, None, False)
    assert r2.possible_bands == ["stable", "indeterminate"]


def test_sacral_lesion_without_levels_keeps_both_locations() -> None:
    r = sins.score(case_with({"region": "sacrum", "bone_lesion": "lytic", "alignment": "normal", "collapse": "none",
                              "posterolateral": "none"}, "none"))
    assert r is not None
    assert (r.min, r.max) == (2, 5)
    assert r.inputs["location"].possible == [0, 3]


def test_multilevel_reports_worst_level() -> None:
    r = sins.score(case_with({"levels": ["S1", "S2", "S3"], "bone_lesion": "lytic", "alignment": "normal",
                              "collapse": "none", "posterolateral": "unilateral"}, "mechanical"))
    assert r is not None
    assert (r.value, r.level) == (3 + 3 + 2 + 0 + 0 + 1, "S1")
    assert any("each level scored" in n for n in r.notes)


def test_most_severe_lesion_on_top_and_every_lesion_listed() -> None:
    case = Case(
        lesions=[
            Lesion(id="A", levels=["T6"], bone_lesion="blastic", alignment="normal", collapse="none",
                   posterolateral="none"),
            Lesion(id="B", levels=["L1"], bone_lesion="lytic", alignment="de_novo_deformity", collapse="gt50",
                   posterolateral="bilateral"),
            Lesion(id="F", region="femur"),
        ],
        pain=Pain(character="mechanical"),
    )
    r = sins.score(case)
    assert r is not None and r.lesion == "B" and r.value == 16
    assert r.by_lesion is not None and set(r.by_lesion) == {"A", "B"}


def test_not_applicable_without_spinal_lesion(femur_case: Case) -> None:
    assert sins.score(femur_case) is None
