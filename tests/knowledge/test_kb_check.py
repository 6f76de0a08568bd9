"""`kb check`: the good fixture and the real knowledge base pass; each broken fixture fails with its own kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tumorboard.knowledge import KnowledgeError, check, load
from tumorboard.knowledge.loader import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"
ROOT = Path(__file__).resolve().parents[2]

# broken fixture -> (problem kind, statement or reference id, field) that kb check must report
EXPECTED: dict[str, tuple[str, str | None, str | None]] = {
    "schema": ("schema", "broken-one", "strength"),
    "malformed_yaml": ("schema", None, None),
    "duplicate_id": ("duplicate_id", "same-id", "id"),
    "unresolved_reference": ("unresolved_reference", "broken-one", "references[0]"),
    "no_references": ("no_references", "broken-one", "references"),
    "unknown_fact": ("unknown_fact", "broken-one", "applies_when"),
    "lesion_outside_scope": ("unknown_fact", "broken-one", "applies_when"),
    "unknown_score_band": ("bad_value", "broken-one", "applies_when"),
    "unknown_modality": ("unknown_modality", "broken-one", "modality"),
    "bad_operator": ("bad_operator", "broken-one", "applies_when"),
    "bad_value": ("bad_value", "broken-one", "applies_when"),
    "unsatisfiable": ("unsatisfiable", "broken-one", "applies_when"),
    "conflict": ("conflict", "recommends-cebrt", "applies_when"),
    "approved_without_reviewer": ("approved_without_reviewer", "broken-one", "review.reviewed_by"),
    "modality_in_assessment": ("schema", "broken-one", "modality"),
    "unknown_placeholder": ("unknown_placeholder", "broken-one", "statement"),
    "reference_without_identifier": ("reference_without_identifier", "ref-without-identifier", "pmid"),
    "duplicate_reference": ("duplicate_reference", "ref-guideline-2024", None),
}


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def test_every_broken_fixture_is_listed() -> None:
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(EXPECTED)


def test_good_fixture_passes() -> None:
    kb, problems = check(GOOD)
    assert kb is not None, [str(p) for p in errors(problems)]
    assert not errors(problems)
    assert len(kb.statements) == 11
    assert kb.version.startswith("2025-01-02+")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_fails_with_its_kind(name: str) -> None:
    kind, sid, field = EXPECTED[name]
    _, problems = check(BROKEN / name)
    errs = errors(problems)
    assert errs, f"{name}: no error reported"
    match = [p for p in errs if p.kind == kind]
    assert match, f"{name}: expected {kind}, got {[str(p) for p in errs]}"
    p = match[0]
    assert p.file.endswith(".yaml")
    assert p.statement == sid
    if field is not None:
        assert p.field == field
    assert str(p).startswith(p.file)


def test_load_refuses_broken_statements_but_tolerates_reference_gaps() -> None:
    with pytest.raises(KnowledgeError) as exc:
        load(BROKEN / "unknown_fact", use_cache=False)
    assert "patient.shoe_size" in str(exc.value)
    kb = load(BROKEN / "reference_without_identifier", use_cache=False)
    assert any(p.kind == "reference_without_identifier" for p in kb.problems)


def test_messages_name_what_is_allowed() -> None:
    _, problems = check(BROKEN / "bad_value")
    assert "kidney" in str(errors(problems)[0])
    _, problems = check(BROKEN / "lesion_outside_scope")
    assert "scope: lesion" in str(errors(problems)[0])
    _, problems = check(BROKEN / "unsatisfiable")
    assert "patient.age_years" in str(errors(problems)[0])


def test_real_knowledge_base_passes() -> None:
    kb, problems = check()
    assert not errors(problems), "\n".join(str(p) for p in errors(problems))
    assert kb is not None


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_CACHE_DIR", str(tmp_path))
    from tumorboard.knowledge import loader

    loader._MEMO.clear()
    first = load(GOOD)
    assert list(tmp_path.glob("kb-*.pickle"))
    loader._MEMO.clear()
    second = load(GOOD)
    assert second.hash == first.hash and [s.id for s in second.statements] == [s.id for s in first.statements]


def test_env_var_locates_the_knowledge_base(monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.knowledge import knowledge_dir

    monkeypatch.setenv("TUMORBOARD_KNOWLEDGE", str(GOOD))
    assert knowledge_dir() == GOOD


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = [sys.executable, "-c", "from tumorboard.cli import main; main()"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_kb_check_exit_codes() -> None:
    ok = _cli("kb", "check", "--path", str(GOOD))
    assert ok.returncode == 0, ok.stderr
    bad = _cli("kb", "check", "--path", str(BROKEN / "conflict"))
    assert bad.returncode == 1
    assert "conflict" in bad.stderr and "recommends-cebrt" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_kb_stats_json() -> None:
    p = _cli("kb", "stats", "--path", str(GOOD), "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["statements"] == 11 and data["references"] == 3 and data["verified_references"] == 1
    assert data["by_topic"] == {"spine": 11}
    assert data["by_review_status"]["approved"] == 2
    text = _cli("kb", "stats", "--path", str(GOOD))
    assert text.returncode == 0 and "by topic" in text.stdout
