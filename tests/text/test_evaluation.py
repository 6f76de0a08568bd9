"""The development set: no negated finding extracted as present, and the scores the rules were tuned to."""

from pathlib import Path

import pytest

from tumorboard.text import extract
from tumorboard.text.evaluation import evaluate, load_notes

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def dev_score():
    return evaluate(load_notes(HERE / "development"), extract)


def test_sets_are_large_enough():
    assert len(load_notes(HERE / "heldout")) >= 25
    assert len(load_notes(HERE / "development")) >= 55


def test_no_negated_finding_present(dev_score):
    assert dev_score.negated_present == []


def test_development_micro_f1(dev_score):
    f = dev_score.prf()[2]
    assert f >= 0.95, dev_score.errors


def test_heldout_no_negated_finding_present():
    score = evaluate(load_notes(HERE / "heldout"), extract)
    assert score.negated_present == []
