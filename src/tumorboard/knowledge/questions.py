"""The questions each statement answers (``knowledge/questions/<topic>.yaml``): a retrieval aid for
``tumorboard ask``, phrased as clinicians and patients ask (hand-written query expansion of the statements, in the
manner of doc2query: Nogueira et al. 2019, arXiv:1904.08375). Indexed for search, never shown as advice, and not part
of the engine's knowledge-base hash: they change what is found, not what is recommended.

File shape::

    topic: spine
    questions:
      <statement id>: ["question", ...]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tumorboard.knowledge.loader import Problem

QUESTIONS_DIR = "questions"
MIN_PER_STATEMENT = 1
MAX_PER_STATEMENT = 8


def question_files(root: Path) -> list[Path]:
    folder = root / QUESTIONS_DIR
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def _read(path: Path, root: Path, problems: list[Problem]) -> dict[str, Any] | None:
    rel = path.relative_to(root).as_posix()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem("schema", f"cannot read: {exc}", file=rel))
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), dict):
        problems.append(Problem("schema", "expected a mapping with 'topic' and 'questions'", file=rel))
        return None
    return raw


def load_questions(root: Path, statement_topics: dict[str, str] | None = None
                   ) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Questions by statement id, and the problems found. With ``statement_topics`` (statement id -> topic), an
    unknown id or a statement filed under another topic is an error."""
    out: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for path in question_files(root):
        raw = _read(path, root, problems)
        if raw is None:
            continue
        rel = path.relative_to(root).as_posix()
        topic = raw.get("topic")
        for sid, items in raw["questions"].items():
            sid = str(sid)
            if statement_topics is not None and sid not in statement_topics:
                problems.append(Problem("unknown_statement", "no statement has this id", file=rel, statement=sid))
                continue
            if statement_topics is not None and topic != statement_topics[sid]:
                problems.append(Problem("schema", f"statement belongs to topic {statement_topics[sid]!r}, "
                                        f"not {topic!r}", file=rel, statement=sid, field="topic"))
            texts = [" ".join(str(q).split()) for q in items or [] if isinstance(q, str) and q.strip()]
            if len(texts) != len(items or []) or not MIN_PER_STATEMENT <= len(texts) <= MAX_PER_STATEMENT:
                problems.append(Problem("schema", f"expected {MIN_PER_STATEMENT}-{MAX_PER_STATEMENT} "
                                        "non-empty questions", file=rel, statement=sid, field="questions"))
            if sid in out:
                problems.append(Problem("duplicate_id", "questions given twice", file=rel, statement=sid))
            out[sid] = tuple(dict.fromkeys(texts))
    return out, problems
