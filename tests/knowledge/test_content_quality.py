"""The bundled knowledge base meets the content issue's thresholds: size, citations, verification, plain-language
reading level, honest review status, paediatric gating. These are the numbers a clinical reviewer checks first."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import textstat

from tumorboard.knowledge import load

ROOT = Path(__file__).resolve().parents[2]
TOPICS = {"radiotherapy", "spine", "sacrum-pelvis", "long-bones", "minimally-invasive", "sarcoma-adult",
          "sarcoma-paediatric", "supportive-care", "monitoring-pitfalls"}
KB = load(ROOT / "knowledge")


def test_stats_json_meets_the_thresholds() -> None:
    p = subprocess.run([sys.executable, "-c", "from tumorboard.cli import main; main()", "kb", "stats", "--format",
                        "json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    stats = json.loads(p.stdout)
    for key in ("statements", "references", "verified_references"):
        assert isinstance(stats[key], int)
    assert stats["statements"] >= 220
    assert stats["references"] >= 120
    assert stats["verified_references"] / stats["references"] >= 0.85


def test_every_topic_has_its_file() -> None:
    assert {s.topic for s in KB.statements} == TOPICS


def test_every_statement_is_cited_and_every_reference_identified() -> None:
    for s in KB.statements:
        assert s.stmt.references, s.id
        for ref in s.stmt.references:
            assert ref in KB.references, (s.id, ref)
    for ref in KB.references.values():
        assert ref.pmid or ref.doi or ref.url, ref.id


def test_nothing_is_approved_without_a_named_clinician() -> None:
    for s in KB.statements:
        review = s.stmt.review
        assert review.status in {"draft", "under_review", "approved"}
        if review.status == "approved":
            assert review.reviewed_by, s.id


@pytest.mark.parametrize("sid", [s.id for s in KB.statements])
def test_plain_language_at_or_below_grade_8(sid: str) -> None:
    text = KB.statement(sid).stmt.plain_language
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= 8.0, f"{sid}: grade {grade:.1f}: {text}"


def _leaves(cond: object) -> list[dict[str, object]]:
    if isinstance(cond, dict):
        if "fact" in cond:
            return [cond]
        return [leaf for v in cond.values() for leaf in _leaves(v)]
    if isinstance(cond, list):
        return [leaf for c in cond for leaf in _leaves(c)]
    return []


def test_paediatric_statements_fire_only_under_18_and_say_so() -> None:
    paediatric = [s for s in KB.statements if s.topic == "sarcoma-paediatric"]
    assert len(paediatric) >= 15
    for s in paediatric:
        top = s.stmt.applies_when.get("all", [])
        assert {"fact": "derived.paediatric", "eq": True} in top, s.id
        assert re.search(r"\b18\b", s.stmt.statement), f"{s.id} does not say it applies under 18"


def test_evidence_and_strength_are_stated() -> None:
    for s in KB.statements:
        assert s.stmt.evidence.scheme and s.stmt.evidence.level, s.id
        assert s.stmt.strength in {"strong", "conditional", "consider", "not_recommended"}
