"""The case, facts with provenance and results (pydantic v2). No I/O."""

from tumorboard.model.case import CASE_FORMAT, Case, Lesion
from tumorboard.model.parse import CaseError, FieldError, ParsedCase, parse_case, parse_case_data
from tumorboard.model.result import Option, Plan, Result, ScoreResult

__all__ = [
    "CASE_FORMAT", "Case", "CaseError", "FieldError", "Lesion", "Option", "ParsedCase", "Plan", "Result",
    "ScoreResult", "parse_case", "parse_case_data",
]
