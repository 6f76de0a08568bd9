"""The engine on the fixture knowledge base: ranking, avoid, warnings, lesion scope, placeholders, because, missing
analysis, references, review status and determinism."""

from __future__ import annotations

import copy
from typing import Any

from tumorboard.engine import assess
from tumorboard.engine.derived import CASE_FACTS, LESION_FACTS
from tumorboard.engine.ranking import RANKING
from tumorboard.knowledge import KnowledgeBase
from tumorboard.knowledge.catalogue import DERIVED

from .conftest import SPINE_RCC, make_case


def case_with(**changes: Any) -> Any:
    data = copy.deepcopy(SPINE_RCC)
    for key, value in changes.items():
        data[key] = value
    return make_case(**data)


def mods(items: list[Any]) -> list[str | None]:
    return [o.modality for o in items]


def test_every_documented_derived_fact_is_implemented() -> None:
    assert set(CASE_FACTS) | set(LESION_FACTS) == set(DERIVED)
    for fn in [*CASE_FACTS.values(), *LESION_FACTS.values()]:
        assert fn.__doc__, f"{fn.__name__} cites no source rule"


def test_radioresistant_high_grade_fit_gets_separation_surgery(fixture_kb: KnowledgeBase) -> None:
    r = assess(case_with(), kb=fixture_kb)
    assert r.plan is not None
    top = r.plan.options[0]
    assert (top.modality, top.followed_by, top.lesion, top.rank) == ("separation_surgery", ["sbrt"], "T9", 1)
    assert "sbrt" not in mods(r.plan.options)  # low-grade SBRT does not fire for ESCC 2
    assert r.plan.warnings == []
    assert r.plan.ranking.startswith("Ranked by: emergencies first")
    assert [k.name for k in RANKING] == [
        "urgency", "section", "scope", "strength", "evidence", "specificity", "statement"]


def test_emergency_goes_to_warnings_and_ranks_first(fixture_kb: KnowledgeBase) -> None:
    r = assess(case_with(neurology={"frankel": "C", "myelopathy": True}), kb=fixture_kb)
    assert r.plan is not None
    assert mods(r.plan.warnings) == ["corticosteroids"]
    assert r.plan.options[0].modality == "corticosteroids" and r.plan.options[0].urgency == "emergency"
    assert r.plan.options[1].modality == "separation_surgery"


def test_avoid_with_reason_and_because(fixture_kb: KnowledgeBase) -> None:
    case = case_with(lesions=[{"id": "T12", "region": "thoracic", "levels": ["T12"], "escc_grade": "1b",
                               "structures": ["posterior_wall", "epidural_space"], "pain_character": "mechanical"}])
    r = assess(case, kb=fixture_kb)
    assert r.plan is not None
    assert "vertebral_augmentation" not in mods(r.plan.options)
    avoid = next(o for o in r.plan.avoid if o.modality == "vertebral_augmentation")
    assert avoid.reason == "Posterior-wall disruption with epidural tumour at T12."
    facts = {b.fact for b in avoid.because}
    assert "lesions.T12.derived.posterior_wall_disrupted" in facts


def test_not_recommended_goes_to_avoid(fixture_kb: KnowledgeBase) -> None:
    r = assess(case_with(patient={"life_expectancy_months": 2, "fit_for_surgery": True}), kb=fixture_kb)
    assert r.plan is not None
    avoided = mods(r.plan.avoid)
    assert "decompression_stabilization" in avoided
    assert "separation_surgery" in avoided  # not_when short survival
    assert "separation_surgery" not in mods(r.plan.options)
    assert "palliative_care" in mods(r.plan.options)


def test_lesion_scope_one_option_per_lesion_with_placeholders(fixture_kb: KnowledgeBase) -> None:
    case = make_case(
        patient={"age_years": 61},
        primary={"site": "breast", "histology": "invasive ductal carcinoma"},
        lesions=[{"id": "L2", "region": "lumbar", "levels": ["L2", "L3"]},
                 {"id": "S1", "region": "sacrum", "levels": ["S1", "S2", "S3"]},
                 {"id": "F", "region": "femur"}],
    )
    r = assess(case, kb=fixture_kb)
    assert r.plan is not None
    cebrt = [o for o in r.plan.options if o.modality == "cebrt"]
    assert [o.lesion for o in cebrt] == ["L2", "S1"]
    assert cebrt[0].recommendation.startswith("invasive ductal carcinoma at L2-L3 (L2) is radiosensitive")
    assert cebrt[1].recommendation.endswith("Age 61.")
    assert "S1-S3" in cebrt[1].recommendation
    assert [o.lesion for o in r.plan.assessment] == ["L2", "S1"]
    assert mods(r.plan.monitoring) == [None]


def test_because_names_facts_and_score_bands(fixture_kb: KnowledgeBase) -> None:
    r = assess(case_with(), kb=fixture_kb)
    assert r.plan is not None
    because = r.plan.options[0].because
    assert any(b.score == "escc" and b.band == "high_grade" and b.lesion == "T9" for b in because)
    assert any(b.fact == "derived.fit_for_surgery" and b.value is True for b in because)
    assert any(b.fact == "derived.radiosensitive" and b.value is False and b.note for b in because)


def test_missing_analysis_lists_what_could_change(fixture_kb: KnowledgeBase) -> None:
    case = case_with(lesions=[{"id": "T9", "region": "thoracic", "levels": ["T9"]}],
                     patient={"age_years": 68, "life_expectancy_months": 24, "fit_for_surgery": True})
    r = assess(case, kb=fixture_kb)
    assert r.plan is not None
    missing = {m.field: m for m in r.plan.missing}
    escc = missing["lesions.T9.escc_grade"]
    assert {"sbrt", "separation_surgery"} <= set(escc.could_change)
    by_value = {str(a.value): a for a in escc.alternatives}
    assert any("separation_surgery (noms-separation-surgery@T9)" in alt.adds for alt in by_value.values())
    assert any("sbrt (noms-sbrt-low-grade@T9)" in alt.adds for alt in by_value.values())
    assert "lesions.T9.pain_character" in missing  # cement augmentation waits for it
    # one unknown at a time: with fitness also unknown, ESCC alone cannot add separation surgery
    unfit_unknown = case_with(lesions=[{"id": "T9", "region": "thoracic", "escc_grade": "3"}],
                              patient={"life_expectancy_months": 24})
    r2 = assess(unfit_unknown, kb=fixture_kb)
    assert r2.plan is not None
    fit = next(m for m in r2.plan.missing if m.field == "patient.fit_for_surgery")
    assert fit.could_change == ["separation_surgery"]
    assert [a.value for a in fit.alternatives] == [True]
    quick = assess(case, kb=fixture_kb, analyse_missing=False)
    assert quick.plan is not None and quick.plan.missing == []
    assert quick.plan.options == r.plan.options


def test_histology_unknown_biopsy_and_missing(fixture_kb: KnowledgeBase) -> None:
    case = make_case(primary={"site": "unknown_primary"}, lesions=[{"id": "T11", "region": "thoracic"}])
    r = assess(case, kb=fixture_kb)
    assert r.plan is not None
    assert r.plan.options[0].modality == "biopsy"
    hist = next(m for m in r.plan.missing if m.field == "primary.histology")
    assert "biopsy" in hist.could_change  # filling the histology removes the biopsy


def test_references_numbered_by_first_use_and_resolved(fixture_kb: KnowledgeBase) -> None:
    r = assess(case_with(neurology={"frankel": "C", "myelopathy": True}), kb=fixture_kb)
    assert r.plan is not None
    ids = [ref.id for ref in r.references]
    assert ids[0] == "ref-guideline-2024"  # cited by the warning, the first section
    assert len(ids) == len(set(ids))
    used = {rid for o in [*r.plan.options, *r.plan.avoid, *r.plan.warnings] for rid in o.references}
    assert used <= set(ids)


def test_review_status_is_the_lowest_used(fixture_kb: KnowledgeBase) -> None:
    radiosensitive = make_case(primary={"site": "myeloma"}, lesions=[{"id": "T7", "region": "thoracic"}],
                               patient={"ecog": 1, "life_expectancy_months": 24})
    r = assess(radiosensitive, kb=fixture_kb)
    assert r.plan is not None
    assert {o.review_status for o in r.plan.options} == {"approved"}
    assert r.review_status == "draft"  # the assessment and monitoring statements are drafts
    assert r.knowledge_base is not None and r.knowledge_base.statements == 11


def test_deterministic_json(fixture_kb: KnowledgeBase) -> None:
    case = case_with(lesions=[{"id": "T9", "region": "thoracic"}, {"id": "L1", "region": "lumbar", "escc_grade": "3"}])
    a = assess(case, kb=fixture_kb).model_dump_json(indent=2)
    b = assess(make_case(**case.model_dump(exclude_none=True)), kb=fixture_kb).model_dump_json(indent=2)
    assert a == b


def test_real_knowledge_base_runs_on_the_examples(sacrum_case: Any, rcc_case: Any, femur_case: Any) -> None:
    for case in (sacrum_case, rcc_case, femur_case):
        r = assess(case)
        assert r.plan is not None and r.plan.options
        assert assess(case).model_dump_json() == r.model_dump_json()
