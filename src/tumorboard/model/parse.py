"""Parse a case from JSON or YAML text, with errors in the path grammar of the case format.

An error names the field path (lesions by id: ``lesions.L1.escc_grade``), the bad value and the allowed values:
``lesions.L1.escc_grade: '4' is not one of 0, 1a, 1b, 1c, 2, 3``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from tumorboard.model.case import Case

if TYPE_CHECKING:
    from tumorboard.model.units import Conversion


@dataclass(frozen=True)
class FieldError:
    """One invalid field: where, what was given and what is allowed."""

    path: str
    message: str
    value: Any = None
    allowed: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CaseError(ValueError):
    """The input is not a valid case; ``errors`` lists every invalid field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ParsedCase:
    case: Case
    conversions: list[Conversion] = field(default_factory=list)


def _path(loc: tuple[int | str, ...], raw: Any) -> str:
    """Turn a pydantic location into a case-format path, addressing lesions by id where they have one."""
    parts: list[str] = []
    node: Any = raw
    for i, key in enumerate(loc):
        if isinstance(key, int) and i > 0 and loc[i - 1] == "lesions" and isinstance(node, list):
            item = node[key] if key < len(node) else None
            lesion_id = item.get("id") if isinstance(item, dict) else None
            parts.append(str(lesion_id) if isinstance(lesion_id, str) and lesion_id else str(key))
        else:
            parts.append(str(key))
        if isinstance(node, dict):
            node = node.get(key) if isinstance(key, str) else None
        elif isinstance(node, list) and isinstance(key, int):
            node = node[key] if key < len(node) else None
        else:
            node = None
    return ".".join(parts)


def _allowed(ctx: dict[str, Any] | None) -> tuple[str, ...]:
    expected = (ctx or {}).get("expected")
    if not isinstance(expected, str):
        return ()
    return tuple(p.strip().strip("'") for p in expected.replace(" or ", ", ").split(","))


def _message(err: dict[str, Any]) -> FieldError:
    kind = err["type"]
    value = err.get("input")
    allowed = _allowed(err.get("ctx"))
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if kind in ("literal_error", "enum") and allowed:
        return FieldError("", f"{shown} is not one of {', '.join(allowed)}", value, allowed)
    if kind == "extra_forbidden":
        return FieldError("", "unknown field (put site-specific fields under 'extra:')", value)
    if kind == "missing":
        return FieldError("", "is required", None)
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return FieldError("", f"{shown} is invalid: {msg[0].lower() + msg[1:]}", value)


def validation_errors(exc: ValidationError, raw: Any) -> list[FieldError]:
    """Translate a pydantic ValidationError into field errors in the case-format path grammar."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        base = _message(dict(err))
        out.append(FieldError(_path(loc, raw), base.message, base.value, base.allowed))
    return out


def load_data(text: str) -> Any:
    """Read JSON or YAML text (YAML is a superset; JSON is tried first for exact errors)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        import json  # only for JSON input (start-up time of `tumorboard score` on YAML)

        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise CaseError([FieldError("", f"malformed JSON: {exc.msg} at {where}")]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise CaseError([FieldError("", f"malformed YAML: {problem}{where}")]) from None


def parse_model(model: type[BaseModel], data: Any) -> BaseModel:
    """Validate ``data`` against any model of the case format, raising CaseError with case-format paths."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CaseError(validation_errors(exc, data)) from None


def parse_case_data(data: Any) -> ParsedCase:
    """Validate a mapping as a case, converting explicitly-unit-tagged labs and saying what was converted."""
    if not isinstance(data, dict):
        raise CaseError([FieldError("", f"a case must be a mapping, not {type(data).__name__}")])
    if "format" not in data:
        raise CaseError([FieldError("format", "is required (format: tumorboard.case/v1)")])
    conversions: list[Conversion] = []
    labs = data.get("labs")
    if isinstance(labs, dict) and any(isinstance(v, dict) for v in labs.values()):  # a unit written out
        from tumorboard.model.units import UnitError, convert_labs

        try:
            converted, conversions = convert_labs(labs)
        except UnitError as exc:
            raise CaseError([FieldError(f"labs.{exc.field}", str(exc), exc.unit)]) from None
        data = {**data, "labs": converted}
    case = parse_model(Case, data)
    assert isinstance(case, Case)
    return ParsedCase(case, conversions)


def parse_case(text: str) -> ParsedCase:
    """Parse a case from JSON or YAML text."""
    return parse_case_data(load_data(text))
