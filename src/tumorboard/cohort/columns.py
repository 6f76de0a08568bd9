"""Case <-> flat table row, with dotted column names in the case-format path grammar (``lesions.0.escc_grade``).

Lists of values (levels, structures, visceral sites, systemic lines) are written in one cell separated by ``;``.
An empty cell means unknown, never normal.
"""

from __future__ import annotations

import math
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from tumorboard.model.case import Case, Lesion

LIST_SEPARATOR = ";"
META_COLUMNS = frozenset({"synthetic"})  # columns of the table that are not case fields
TEMPLATE_LESIONS = 2


def _leaf_paths(model: type[BaseModel], prefix: str) -> list[tuple[str, bool]]:
    """(path, is_list) for every leaf field of a model; nested models are expanded, ``extra`` is skipped."""
    out: list[tuple[str, bool]] = []
    for name, info in model.model_fields.items():
        if name == "extra":
            continue
        ann = info.annotation
        union = get_origin(ann) in (Union, UnionType)
        inner = next(a for a in get_args(ann) if a is not type(None)) if union else ann
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += _leaf_paths(inner, f"{prefix}{name}.")
        elif get_origin(inner) is list:
            item = get_args(inner)[0]
            if not (isinstance(item, type) and issubclass(item, BaseModel)):
                out.append((f"{prefix}{name}", True))
        elif get_origin(inner) is dict:
            out.append((f"{prefix}{name}.<name>", False))
        else:
            out.append((f"{prefix}{name}", False))
    return out


def template_columns(lesions: int = TEMPLATE_LESIONS) -> list[str]:
    """Every column a cohort table may have: case fields, then ``lesions.<n>.*`` for ``lesions`` lesions."""
    case_cols = [p for p, _ in _leaf_paths(Case, "") if not p.startswith("lesions") and p not in {"format", "id"}]
    lesion_cols = [p for p, _ in _leaf_paths(Lesion, "")]
    return case_cols + [f"lesions.{i}.{c}" for i in range(lesions) for c in lesion_cols]


LIST_FIELDS = frozenset(
    [p for p, is_list in _leaf_paths(Case, "") if is_list] + [f"lesions.{p}" for p, is_list in _leaf_paths(Lesion, "")
                                                            if is_list]
)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value)


def _list_field(path: str) -> bool:
    parts = path.split(".")
    if parts[0] == "lesions" and len(parts) > 2:
        return f"lesions.{'.'.join(parts[2:])}" in LIST_FIELDS
    return path in LIST_FIELDS


def unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """A nested case mapping from a flat row; empty cells are left out (unknown)."""
    out: dict[str, Any] = {"format": "tumorboard.case/v1"}
    lesions: dict[int, dict[str, Any]] = {}
    for key, value in row.items():
        if _is_empty(value) or key in META_COLUMNS or key.startswith(("outcome.", "treatment.")):
            continue
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()
        if _list_field(key) and isinstance(value, str):
            value = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        parts = key.split(".")
        if parts[0] == "lesions" and len(parts) > 2 and parts[1].isdigit():
            node = lesions.setdefault(int(parts[1]), {})
            parts = parts[2:]
        else:
            node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if lesions:
        out["lesions"] = [lesions[i] for i in sorted(lesions)]
    return out


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A flat row from a nested case mapping (lesions by position; lists joined with ``;``)."""
    row: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{path}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                row.update(flatten(item, f"{path}.{i}."))
        elif isinstance(value, list):
            row[path] = LIST_SEPARATOR.join(str(v) for v in value)
        elif value is not None:
            row[path] = value
    return row
