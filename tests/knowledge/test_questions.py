"""``knowledge/questions/``: the questions each statement answers (a retrieval aid) are checked by `kb check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tumorboard.knowledge import check
from tumorboard.knowledge.questions import load_questions

GOOD = Path(__file__).resolve().parent / "fixtures" / "good"
ROOT = Path(__file__).resolve().parents[2]


def kb_with(tmp_path: Path, questions: dict[str, object], topic: str = "spine") -> Path:
    root = tmp_path / f"kb{len(list(tmp_path.iterdir()))}"
    shutil.copytree(GOOD, root)
    (root / "questions").mkdir()
    (root / "questions" / f"{topic}.yaml").write_text(yaml.safe_dump({"topic": topic, "questions": questions}))
    return root


def kinds(root: Path) -> list[tuple[str, str | None, str | None]]:
    _, problems = check(root)
    return [(p.kind, p.statement, p.field) for p in problems if p.severity == "error"]


def test_valid_questions_pass_and_load(tmp_path: Path) -> None:
    root = kb_with(tmp_path, {"mscc-steroids": ["steroids for cord compression?", "dex dose in MSCC"]})
    assert kinds(root) == []
    questions, problems = load_questions(root)
    assert questions["mscc-steroids"] == ("steroids for cord compression?", "dex dose in MSCC")
    assert problems == []


def test_unknown_statement_is_an_error(tmp_path: Path) -> None:
    assert ("unknown_statement", "no-such-statement", None) in kinds(kb_with(tmp_path, {"no-such-statement": ["q?"]}))


def test_statement_under_another_topic_is_an_error(tmp_path: Path) -> None:
    root = kb_with(tmp_path, {"mscc-steroids": ["steroids?"]}, topic="radiotherapy")
    assert ("schema", "mscc-steroids", "topic") in kinds(root)


def test_empty_or_non_text_questions_are_errors(tmp_path: Path) -> None:
    assert ("schema", "mscc-steroids", "questions") in kinds(kb_with(tmp_path, {"mscc-steroids": []}))
    assert ("schema", "mscc-steroids", "questions") in kinds(kb_with(tmp_path, {"mscc-steroids": ["ok?", 3]}))


def test_questions_do_not_change_the_engine_knowledge_base_hash(tmp_path: Path) -> None:
    plain = check(GOOD)[0]
    with_questions = check(kb_with(tmp_path, {"mscc-steroids": ["steroids?"]}))[0]
    assert plain is not None and with_questions is not None
    assert plain.hash == with_questions.hash


def test_every_statement_of_the_real_knowledge_base_has_questions() -> None:
    kb, _ = check(ROOT / "knowledge")
    assert kb is not None
    questions, problems = load_questions(ROOT / "knowledge", {cs.id: cs.topic for cs in kb.statements})
    assert problems == []
    assert sorted(questions) == sorted(cs.id for cs in kb.statements)
    assert all(len(q) >= 3 for q in questions.values())
