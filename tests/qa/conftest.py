"""One question-answering index per test session, built into a temporary directory (BM25 only: fast). Tests that
need the dense leg build a tiny knowledge base of their own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "bench" / "qa_questions"


def question_set(name: str) -> dict[str, Any]:
    return yaml.safe_load((SETS / f"{name}.yaml").read_text())


@pytest.fixture(scope="session", autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Never touch the user's cache or documents: user documents go to a session temporary directory."""
    old = os.environ.get("TUMORBOARD_DATA_DIR")
    os.environ["TUMORBOARD_DATA_DIR"] = str(tmp_path_factory.mktemp("qa-data"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield
    if old is None:
        os.environ.pop("TUMORBOARD_DATA_DIR", None)
    else:
        os.environ["TUMORBOARD_DATA_DIR"] = old


@pytest.fixture(scope="session")
def qa_bm25(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tumorboard.qa.service import QA

    qa = QA(dense=False, cache_dir=tmp_path_factory.mktemp("qa-index"), user_documents=False)
    qa.index  # noqa: B018 - build once
    return qa


@pytest.fixture(scope="session")
def qa_answering(qa_bm25: Any) -> Any:
    """The same index with abstention off: every question gets composed, so the composer is exercised fully."""
    from tumorboard.qa.service import QA

    qa = QA(dense=False, cache_dir=qa_bm25.cache_dir, user_documents=False,
            thresholds={"bm25": {"coverage": 0.0}})
    qa._index = qa_bm25.index
    return qa


@pytest.fixture(scope="session")
def dev_set() -> dict[str, Any]:
    return question_set("development")


@pytest.fixture(scope="session")
def all_sets() -> list[dict[str, Any]]:
    """Every question set in bench/qa_questions/ (development and each held-out set), so a new set is covered."""
    return [question_set(p.stem) for p in sorted(SETS.glob("*.yaml"))]


def write_kb(root: Path, statements: list[dict[str, Any]]) -> Path:
    """A small knowledge base: the project's modalities and references, and ``statements`` in one topic."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "statements").mkdir(exist_ok=True)
    (root / "modalities.yaml").write_text((ROOT / "knowledge" / "modalities.yaml").read_text())
    (root / "references.yaml").write_text((ROOT / "knowledge" / "references.yaml").read_text())
    (root / "statements" / "radiotherapy.yaml").write_text(
        yaml.safe_dump({"topic": "radiotherapy", "statements": statements}, sort_keys=False))
    return root


def statement(sid: str, title: str, text: str, plain: str, refs: list[str], section: str = "treatment",
              modality: str | None = "cebrt") -> dict[str, Any]:
    return {
        "id": sid, "title": title, "statement": text, "plain_language": plain, "modality": modality,
        "section": section, "strength": "strong", "evidence": {"scheme": "GRADE", "level": "high"},
        "references": refs, "applies_when": {"all": [{"fact": "patient.age_years", "known": True}]},
        "review": {"status": "draft", "reviewed_by": None, "date": None}, "version": 1,
    }
