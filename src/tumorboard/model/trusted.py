"""Building result models from values the core computed itself, without validating them a second time.

Scores and the engine produce typed values (from validated cases and validated knowledge-base models); pydantic
validation of that output was most of their cost on every request. ``trusted`` sets the model's fields directly.
Callers must pass a value of the declared type for every field they set; user input never goes through here.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[M], data: dict[str, Any], fields_set: set[str] | frozenset[str] | None = None) -> M:
    """An instance of ``cls`` holding ``data`` (every field of ``cls``), marked as set for ``fields_set``."""
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(data) if fields_set is None else set(fields_set))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
