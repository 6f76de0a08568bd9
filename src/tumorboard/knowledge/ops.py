"""The comparison primitive of the condition language, shared by the checker and the engine.

``compare(op, fact, value)`` returns True or False for a known fact; the caller handles unknown facts (three-valued
logic) and ``known``. Ordered enumerations (ESCC grade, Frankel/ASIA, Harrington class...) compare by position.
"""

from __future__ import annotations

from typing import Any


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _order(fact: Any, value: Any, order: tuple[str, ...] | None) -> tuple[Any, Any] | None:
    if _num(fact) and _num(value):
        return fact, value
    if order is not None and str(fact) in order and str(value) in order:
        return order.index(str(fact)), order.index(str(value))
    return None


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if _num(a) and _num(b):
        return bool(a == b)
    return str(a) == str(b)


def compare(op: str, fact: Any, value: Any, order: tuple[str, ...] | None = None) -> bool:
    """Whether a known fact satisfies ``op value``."""
    if op == "eq":
        return _eq(fact, value)
    if op == "ne":
        return not _eq(fact, value)
    if op == "in":
        return any(_eq(fact, v) for v in value)
    if op == "not_in":
        return not any(_eq(fact, v) for v in value)
    if op in ("gt", "gte", "lt", "lte"):
        pair = _order(fact, value, order)
        if pair is None:
            return False
        a, b = pair
        return bool(a > b if op == "gt" else a >= b if op == "gte" else a < b if op == "lt" else a <= b)
    if op == "contains":
        return isinstance(fact, (list, tuple)) and any(_eq(f, value) for f in fact)
    if op == "contains_any":
        return isinstance(fact, (list, tuple)) and any(_eq(f, v) for f in fact for v in value)
    raise ValueError(f"unknown operator {op!r}")


NEGATION = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "gt": "lte", "lte": "gt", "lt": "gte",
            "gte": "lt"}
