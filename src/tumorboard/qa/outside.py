"""Out-of-scope examples: questions the knowledge base does not cover (``outside_examples.yaml``), embedded once.

Word lists miss near-domain questions put in other words (a fatty lump, a hip broken in a fall); a paraphrase of a
known out-of-scope question lies close to it in the embedding space. A question that is closer to an example than to
any statement, by more than the calibrated ``outside_margin``, is refused, and the answer names the example.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

EXAMPLES_FILE = Path(__file__).resolve().parent / "outside_examples.yaml"


@dataclass(frozen=True)
class Nearest:
    similarity: float
    example: str


@lru_cache(maxsize=2)
def load_examples(path: str | None = None) -> tuple[tuple[str, str], ...]:
    """(question, set) pairs."""
    raw = yaml.safe_load(Path(path or EXAMPLES_FILE).read_text(encoding="utf-8")) or {}
    return tuple((str(e["q"]), str(e.get("set", ""))) for e in raw.get("examples") or ())


@lru_cache(maxsize=2)
def example_matrix(path: str | None = None) -> Any:
    """The examples' embeddings (unit vectors), or None without the dense encoder."""
    from tumorboard.qa.index import encode, load_encoder

    if load_encoder() is None or not load_examples(path):
        return None
    return encode([q for q, _ in load_examples(path)])


def nearest(query_vector: Any, exclude_set: str | None = None) -> Nearest | None:
    """The example most similar to the question (leaving out the examples of ``exclude_set``: the calibration scores
    a question set without its own examples)."""
    m = example_matrix()
    if m is None or query_vector is None:
        return None
    sims = m @ query_vector
    best, text = -2.0, ""
    for (q, s), v in zip(load_examples(), sims.tolist(), strict=True):
        if exclude_set is not None and s == exclude_set:
            continue
        if v > best:
            best, text = v, q
    return Nearest(best, text) if text else None
