"""Shared helpers for the text-extraction tests (the pipeline loads once per session)."""

from __future__ import annotations

from typing import Any

import pytest

from tumorboard.text import extract
from tumorboard.text.evaluation import flatten


@pytest.fixture(scope="session")
def ex():
    """extract(text) -> flat {path: value} of the case."""

    def run(text: str) -> dict[str, Any]:
        return flatten(extract(text).case.model_dump(exclude_none=True))

    return run
