"""Out-of-scope examples (tumorboard.qa.outside): a question closer to a known out-of-scope question than to any
statement, by more than the calibrated margin, is refused and the example is named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tumorboard.qa import outside
from tumorboard.qa.index import Hit, Retrieval
from tumorboard.qa.service import fixed_decision
from tumorboard.qa.understand import Understanding


@pytest.fixture()
def two_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outside, "load_examples", lambda path=None: (("fatty lump?", "v7"), ("hip fall?", "v8")))
    monkeypatch.setattr(outside, "example_matrix", lambda path=None: np.eye(2, dtype=np.float32))


def _retrieval(vec: list[float], dense_top: float) -> Retrieval:
    return Retrieval("q", "q", "hybrid", [Hit(key="s:x", score=1.0)], dense_top=dense_top, coverage=0.5,
                     query_vector=np.array(vec, dtype=np.float32))


def test_nearest_leaves_out_a_set(two_examples: Any) -> None:
    near = outside.nearest(np.array([0.9, 0.1], dtype=np.float32))
    assert near is not None and near.example == "fatty lump?" and near.similarity == pytest.approx(0.9)
    other = outside.nearest(np.array([0.9, 0.1], dtype=np.float32), exclude_set="v7")
    assert other is not None and other.example == "hip fall?"


def test_closer_to_an_example_than_to_any_statement_is_refused(two_examples: Any) -> None:
    und = Understanding("topic", None)
    t = {"hybrid": {"outside_margin": 0.0, "dense_low": 0.5}}
    refused = fixed_decision("a lump", und, None, _retrieval([0.9, 0.1], dense_top=0.6), t)
    assert refused.answer is False and "fatty lump?" in refused.note
    kept = fixed_decision("a lump", und, None, _retrieval([0.5, 0.1], dense_top=0.6), t)
    assert kept.answer is None  # a statement is nearer: the thresholds decide
    assert fixed_decision("a lump", und, None, _retrieval([0.9, 0.1], dense_top=0.6), {}).answer is None
    # an example that is not itself similar enough does not explain a refusal (the thresholds refuse it)
    assert fixed_decision("a bite", und, None, _retrieval([0.45, 0.1], dense_top=0.38), t).answer is None
