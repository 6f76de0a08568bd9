"""Reports: sections in order, banner, bottom line, citations that resolve, patient variant without jargon."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tumorboard.engine import assess
from tumorboard.knowledge import KnowledgeBase, load
from tumorboard.model.case import Case
from tumorboard.model.result import Result
from tumorboard.render.report import markdown_report, text_report

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "knowledge" / "fixtures" / "good"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(GOOD, use_cache=False)


def case(**parts: Any) -> Case:
    return Case.model_validate({"format": "tumorboard.case/v1", "id": "render", **parts})


MSCC = case(
    patient={"age_years": 60, "ecog": 1, "fit_for_surgery": True, "life_expectancy_months": 24},
    primary={"site": "kidney", "histology": "renal cell carcinoma"},
    lesions=[{"id": "T9", "region": "thoracic", "levels": ["T9"], "escc_grade": "3",
              "structures": ["posterior_wall", "epidural_space"], "pain_character": "mechanical"}],
    neurology={"frankel": "C", "myelopathy": True},
)


@pytest.fixture(scope="module")
def result(kb: KnowledgeBase) -> Result:
    return assess(MSCC, kb=kb)


def test_markdown_sections_in_order(result: Result) -> None:
    md = markdown_report(result)
    order = ["# Tumour board decision support: render", "Content pending clinical review", "**Bottom line:**",
             "## Warnings", "## Assessment", "## Treatment plan", "## Avoid", "## Supportive care",
             "## References"]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)
    assert "URGENT: Dexamethasone for compression with a deficit" in md
    assert "Ranking: Ranked by: emergencies first" in md  # footer with KB version and ranking
    assert "Knowledge base 2025-01-02+" in md


def test_citations_resolve_to_the_numbered_references(result: Result) -> None:
    md = markdown_report(result)
    refs_section = md.split("## References")[1]
    numbered = re.findall(r"^(\d+)\. ", refs_section, flags=re.M)
    assert numbered == [str(i) for i in range(1, len(result.references) + 1)]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", md.split("## References")[0])}
    assert cited and cited <= set(range(1, len(result.references) + 1))
    assert "PMID 11111111" in refs_section and "verified" in refs_section


def test_treatment_options_show_strength_evidence_and_because(result: Result) -> None:
    md = markdown_report(result)
    plan = md.split("## Treatment plan")[1].split("##")[0]
    assert plan.lstrip().startswith("1. **")
    assert "conditional, evidence GRADE low" in plan
    assert "_Because:" in plan and "escc 3 (T9): high_grade" in plan


def test_avoid_lists_reasons(result: Result) -> None:
    md = markdown_report(result)
    avoid = md.split("## Avoid")[1].split("##")[0]
    assert "Why not: Posterior-wall disruption with epidural tumour at T9." in avoid


def test_text_report_has_no_markdown(result: Result) -> None:
    txt = text_report(result)
    assert "WARNINGS" in txt and "TREATMENT PLAN" in txt and "REFERENCES" in txt
    assert "**" not in txt and "## " not in txt
    assert max(len(line) for line in txt.splitlines()) <= 110


def test_patient_variant_is_plain(result: Result) -> None:
    md = markdown_report(result, audience="patient")
    assert md.startswith("# Your care plan")
    assert "A steroid brings down swelling." in md
    for jargon in ("ESCC", "SINS", "GRADE", "Because", "| Score"):
        assert jargon not in md
    assert "not medical advice" in md


def test_approved_plan_has_no_banner(kb: KnowledgeBase) -> None:
    r = assess(case(primary={"site": "myeloma"}, patient={"ecog": 1}), kb=kb)
    r.review_status = "approved"
    assert "pending clinical review" not in markdown_report(r)


def test_empty_plan_says_so(kb: KnowledgeBase) -> None:
    md = markdown_report(assess(case(primary={"site": "breast", "histology": "ductal carcinoma"}), kb=kb))
    assert "no knowledge-base recommendation applies" in md


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = [sys.executable, "-c", "from tumorboard.cli import main; main()"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_assess_formats_and_audience() -> None:
    p = _cli("assess", "examples/spine-rcc-t9.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["plan"]["options"] and data["knowledge_base"]["statements"] > 0
    md = _cli("assess", "examples/spine-rcc-t9.yaml", "--format", "markdown")
    assert md.returncode == 0 and "## Treatment plan" in md.stdout
    patient = _cli("assess", "examples/spine-rcc-t9.yaml", "--audience", "patient")
    assert patient.returncode == 0 and "YOUR CARE PLAN" in patient.stdout.upper()
    bad = _cli("assess", "examples/spine-rcc-t9.yaml", "--audience", "martian")
    assert bad.returncode == 2
