"""Shared fixtures: the bundled example cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tumorboard.model.case import Case
from tumorboard.model.parse import parse_case

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> Case:
    return parse_case((EXAMPLES / name).read_text()).case


@pytest.fixture
def sacrum_case() -> Case:
    return load_example("sacrum-sts.yaml")


@pytest.fixture
def rcc_case() -> Case:
    return load_example("spine-rcc-t9.yaml")


@pytest.fixture
def femur_case() -> Case:
    return load_example("femur-breast.yaml")
