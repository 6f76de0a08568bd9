"""The condition language: three-valued truth tables, every operator, quantifiers, scores and derived facts."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest

from tumorboard.engine.conditions import Facts, compiled, evaluate, fast
from tumorboard.knowledge.loader import compile_condition
from tumorboard.knowledge.models import All, AnyOf, Cond, Leaf, Not
from tumorboard.model.case import Case
from tumorboard.scores import compute_all

from .conftest import SPINE_RCC, make_case

T, F, U = True, False, None


def facts_for(case: Case) -> Facts:
    return Facts(case, compute_all(case))


def cond(raw: dict[str, Any], lesion_scope: bool = False) -> Cond:
    return compile_condition(raw, lesion_scope=lesion_scope, where="test")


def ev(raw: dict[str, Any], case: Case, lesion: str | None = None) -> bool | None:
    c = cond(raw, lesion_scope=lesion is not None)
    f = facts_for(case)
    full = evaluate(c, f, lesion).value
    assert fast(c, f, lesion) is full  # the fast path and the traced path agree
    assert compiled(c)(f, lesion) is full  # and the compiled closures
    return full


# leaves with a fixed truth value on the case below: paediatric is False, fit True, ecog unknown
CASE = make_case(patient={"age_years": 40, "fit_for_surgery": True})
LEAF = {
    T: {"fact": "derived.fit_for_surgery", "eq": True},
    F: {"fact": "derived.paediatric", "eq": True},
    U: {"fact": "patient.ecog", "lte": 1},
}


@pytest.mark.parametrize(("a", "b"), list(product([T, F, U], repeat=2)))
def test_truth_tables(a: bool | None, b: bool | None) -> None:
    expected_all = F if F in (a, b) else (U if U in (a, b) else T)
    expected_any = T if T in (a, b) else (U if U in (a, b) else F)
    assert ev({"all": [LEAF[a], LEAF[b]]}, CASE) is expected_all
    assert ev({"any": [LEAF[a], LEAF[b]]}, CASE) is expected_any


@pytest.mark.parametrize("a", [T, F, U])
def test_not(a: bool | None) -> None:
    assert ev({"not": LEAF[a]}, CASE) is (None if a is None else not a)


def test_empty_all_is_true_and_empty_any_false() -> None:
    assert ev({"all": []}, CASE) is True
    assert ev({"any": []}, CASE) is False


RICH = make_case(**SPINE_RCC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"fact": "primary.site", "eq": "kidney"}, T),
        ({"fact": "primary.site", "ne": "kidney"}, F),
        ({"fact": "primary.site", "in": ["kidney", "thyroid"]}, T),
        ({"fact": "primary.site", "not_in": ["kidney", "thyroid"]}, F),
        ({"fact": "patient.age_years", "gt": 68}, F),
        ({"fact": "patient.age_years", "gte": 68}, T),
        ({"fact": "patient.age_years", "lt": 70}, T),
        ({"fact": "patient.age_years", "lte": 67}, F),
        ({"fact": "lesions.*.structures", "contains": "epidural_space"}, T),
        ({"fact": "lesions.*.structures", "contains": "posterior_wall"}, F),
        ({"fact": "lesions.*.structures", "contains_any": ["pedicle", "epidural_space"]}, T),
        ({"fact": "lesions.*.structures", "contains_any": ["pedicle", "lamina"]}, F),
        ({"fact": "patient.ecog", "known": True}, T),
        ({"fact": "patient.lansky", "known": True}, F),
        ({"fact": "patient.lansky", "known": False}, T),
        ({"fact": "patient.lansky", "eq": 50}, U),
        ({"fact": "patient.lansky", "ne": 50}, U),
        ({"fact": "lesions.*.escc_grade", "gte": "2"}, T),  # ordered enumeration
        ({"fact": "lesions.*.escc_grade", "lt": "1c"}, F),
        ({"fact": "neurology.frankel", "lte": "D"}, F),
        ({"fact": "scores.escc.band", "eq": "high_grade"}, T),
        ({"fact": "scores.sins.value", "lt": 7}, T),
        ({"fact": "scores.mirels.band", "eq": "prophylactic_fixation"}, F),  # does not apply: known absence
        ({"fact": "scores.mirels.band", "ne": "prophylactic_fixation"}, T),
        ({"fact": "scores.mirels.band", "known": False}, T),
        ({"fact": "derived.radiosensitive", "eq": False}, T),
        ({"fact": "lesions.*.derived.epidural_disease", "eq": True}, T),
        ({"fact": "primary.biomarkers.ntrk_fusion", "eq": True}, U),
    ],
)
def test_operators(raw: dict[str, Any], expected: bool | None) -> None:
    assert ev(raw, RICH) is expected


def test_lesion_scope_reads_the_current_lesion() -> None:
    case = make_case(lesions=[{"id": "A", "region": "thoracic", "escc_grade": "3"},
                              {"id": "B", "region": "femur"}])
    raw = {"fact": "lesion.scores.escc.band", "eq": "high_grade"}
    assert ev(raw, case, "A") is True
    assert ev(raw, case, "B") is False  # ESCC does not apply to a femur
    assert ev({"fact": "lesion.derived.long_bone", "eq": True}, case, "B") is True


def test_any_lesion_quantifier_is_three_valued() -> None:
    case = make_case(lesions=[{"id": "A", "region": "femur"}, {"id": "B"}])
    assert ev({"fact": "lesions.*.region", "eq": "thoracic"}, case) is None  # B could be thoracic
    assert ev({"fact": "lesions.*.region", "eq": "femur"}, case) is True
    assert ev({"fact": "lesions.*.region", "eq": "femur"}, make_case()) is False  # no lesion


def test_score_band_decided_by_the_bands_still_possible() -> None:
    # SINS with pain unknown: the other items fix the band range
    case = make_case(lesions=[{"id": "L", "region": "thoracic", "levels": ["T6"], "bone_lesion": "blastic",
                               "alignment": "normal", "collapse": "none", "posterolateral": "none"}])
    f = facts_for(case)
    sins = f.scores["sins"]
    assert sins.band is None or sins.band == "stable"
    assert ev({"fact": "scores.sins.band", "eq": "unstable"}, case) is False
    assert ev({"fact": "scores.sins.band", "in": ["stable", "indeterminate"]}, case) is True


def test_blocked_names_the_missing_case_paths() -> None:
    case = make_case(lesions=[{"id": "T4", "region": "thoracic"}], primary={"site": "kidney"})
    c = cond({"all": [{"fact": "lesion.scores.escc.band", "eq": "high_grade"},
                      {"fact": "derived.fit_for_surgery", "eq": True}]}, lesion_scope=True)
    result = evaluate(c, facts_for(case), "T4")
    assert result.value is None
    assert {"lesions.T4.escc_grade", "patient.fit_for_surgery"} <= result.blocked


def test_support_lists_facts_with_values() -> None:
    c = cond({"all": [{"fact": "primary.site", "eq": "kidney"}, {"fact": "scores.escc.band", "eq": "high_grade"}]})
    result = evaluate(c, facts_for(RICH))
    facts = {(r.fact, r.score, r.value if r.fact else r.band) for r in result.support}
    assert ("primary.site", None, "kidney") in facts
    assert (None, "escc", "high_grade") in facts


def test_compiled_tree_shape() -> None:
    c = cond({"all": [{"any": [LEAF[T]]}, {"not": LEAF[F]}]})
    assert isinstance(c, All) and isinstance(c.items[0], AnyOf) and isinstance(c.items[1], Not)
    assert isinstance(c.items[1].item, Leaf)


def test_lesion_pain_overrides_case_pain() -> None:
    raw = {"fact": "lesion.pain_character", "eq": "mechanical"}
    inherits = make_case(pain={"character": "mechanical"}, lesions=[{"id": "A", "region": "lumbar"}])
    assert ev(raw, inherits, "A") is True
    overrides = make_case(pain={"character": "mechanical"},
                          lesions=[{"id": "A", "region": "lumbar", "pain_character": "none"}])
    assert ev(raw, overrides, "A") is False
    c = cond(raw, lesion_scope=True)
    support = evaluate(c, facts_for(inherits), "A").support
    assert support[0].fact == "pain.character"
    assert ev(raw, make_case(lesions=[{"id": "A", "region": "lumbar"}]), "A") is None
