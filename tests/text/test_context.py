"""ConText: negated, hypothetical, uncertain and family mentions never become positive facts."""

import pytest


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("High risk of pathological fracture.", "disease.pathological_fracture"),
        ("Impending pathological fracture cannot be excluded.", "disease.pathological_fracture"),
        (
            "She asks whether she would need surgery if a pathological fracture developed.",
            "disease.pathological_fracture",
        ),
        ("No pathological fracture.", "disease.pathological_fracture"),
        ("Her mother had a pathological fracture.", "disease.pathological_fracture"),
        ("No evidence of brain metastases.", "disease.brain_metastases"),
        ("Rule out cauda equina syndrome.", "neurology.cauda_equina_syndrome"),
        ("No urinary retention.", "neurology.bladder_bowel_dysfunction"),
    ],
)
def test_not_present(ex, text, path):
    assert ex(text).get(path) is not True


def test_negated_visceral_site(ex):
    out = ex("Lung metastases. No adrenal or hepatic lesions.")
    assert out["disease.visceral_sites"] == ["lung"]


def test_negation_sets_false(ex):
    out = ex("No pathological fracture. No brain metastases.")
    assert out["disease.pathological_fracture"] is False
    assert out["disease.brain_metastases"] is False


def test_facts_carry_span_rule_and_modifiers():
    from tumorboard.text import extract

    text = "62F with uterine leiomyosarcoma. No pathological fracture."
    ex = extract(text)
    fact = next(f for f in ex.facts if f.path == "disease.pathological_fracture")
    assert fact.value is False
    assert "negated" in fact.modifiers
    assert text[fact.start : fact.end] == fact.snippet == "pathological fracture"
    assert fact.rule and fact.source == "text"


def test_excluded_mentions_are_listed():
    from tumorboard.text import extract

    ex = extract("Risk of pathological fracture discussed.")
    assert ex.case.disease.pathological_fracture is None
    assert any(u["reason"] == "hypothetical" for u in ex.unmapped)
