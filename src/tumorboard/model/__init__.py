"""The case, facts with provenance and results (pydantic v2). No I/O.

The names below load on first use (PEP 562), so that importing one submodule (``tumorboard.model.case``) does not
build every model of the package: ``tumorboard score`` starts faster without the plan's result models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tumorboard.model.case import CASE_FORMAT, Case, Lesion
    from tumorboard.model.parse import CaseError, FieldError, ParsedCase, parse_case, parse_case_data
    from tumorboard.model.result import Option, Plan, Result, ScoreResult

_WHERE = {
    "CASE_FORMAT": "case", "Case": "case", "Lesion": "case",
    "CaseError": "parse", "FieldError": "parse", "ParsedCase": "parse", "parse_case": "parse",
    "parse_case_data": "parse",
    "Option": "result", "Plan": "result", "Result": "result", "ScoreResult": "result",
}

__all__ = [
    "CASE_FORMAT", "Case", "CaseError", "FieldError", "Lesion", "Option", "ParsedCase", "Plan", "Result",
    "ScoreResult", "parse_case", "parse_case_data",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
