"""Static analysis of compiled statements: conditions no case can satisfy, and direct conflicts.

Unsatisfiable: after pushing ``not`` down to the leaves, the leaves on one fact inside an ``all`` (flattening nested
``all``) must admit a common value. Leaves on ``lesions.*`` are skipped (each may be met by a different lesion), and
branches of ``any`` are checked on their own. The search tries the finite domain of an enumeration or boolean, and
for numbers the thresholds used and points just around them; ``unknown`` is a candidate only for ``known: false``.

Conflict: two statements with the same scope and the same ``applies_when`` (and ``not_when``), one recommending a
modality (as ``modality`` or in ``followed_by``) and the other ``not_recommended`` for it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tumorboard.knowledge.models import All, AnyOf, Cond, Leaf, Not
from tumorboard.knowledge.ops import NEGATION, compare

if TYPE_CHECKING:
    from tumorboard.knowledge.loader import CompiledStatement, Problem

UNKNOWN = object()


def _nnf(cond: Cond, negate: bool = False) -> Any:
    """Negation normal form: (leaf, negated) pairs under All/AnyOf."""
    if isinstance(cond, Not):
        return _nnf(cond.item, not negate)
    if isinstance(cond, Leaf):
        if negate and cond.op in NEGATION:
            return (Leaf(cond.path, NEGATION[cond.op], cond.value), False)
        return (cond, negate)
    items = tuple(_nnf(c, negate) for c in cond.items)
    is_all = isinstance(cond, All) != negate
    return All(items) if is_all else AnyOf(items)


def _holds(leaf: Leaf, negated: bool, candidate: Any) -> bool:
    """Whether the leaf (possibly negated) is definitely true for a candidate value."""
    if leaf.op == "known":
        result = (candidate is not UNKNOWN) == leaf.value
        return bool(result != negated)
    if candidate is UNKNOWN:
        return False
    if isinstance(candidate, str) and candidate == "\0any":
        return True
    order = leaf.path.type.values if leaf.path.type.ordered else None
    return compare(leaf.op, candidate, leaf.value, order) != negated


def _candidates(group: list[tuple[Leaf, bool]]) -> list[Any]:
    t = group[0][0].path.type
    out: list[Any] = [UNKNOWN]
    if t.kind == "bool":
        return [*out, True, False]
    if t.kind in ("enum",) and t.values:
        return [*out, *t.values]
    if t.kind == "list":
        mentioned: list[Any] = []
        for leaf, _ in group:
            vals = leaf.value if isinstance(leaf.value, list) else [leaf.value]
            mentioned += [v for v in vals if not isinstance(v, bool) and v not in mentioned]
        if len(mentioned) > 10:  # too many to enumerate: assume satisfiable
            return [*out, *[list(c) for c in ([], mentioned)], "\0any"]
        return [*out, *[[v for j, v in enumerate(mentioned) if mask >> j & 1] for mask in range(1 << len(mentioned))]]
    values: list[Any] = []
    for leaf, _ in group:
        vals = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        for v in vals:
            if isinstance(v, bool) or v is None:
                values.append(v)
            elif isinstance(v, (int, float)):
                values += [v - 1, v - 0.001, v, v + 0.001, v + 1]
            else:
                values.append(v)
    values.append("\0other")
    return out + values


def _check_all(items: list[Any]) -> str | None:
    groups: dict[str, list[tuple[Leaf, bool]]] = {}
    for item in items:
        if isinstance(item, tuple):
            leaf, neg = item
            if leaf.path.kind == "lesions":
                continue
            groups.setdefault(leaf.path.generic, []).append((leaf, neg))
    for path, group in groups.items():
        if len(group) < 2:
            continue
        if not any(all(_holds(lf, neg, c) for lf, neg in group) for c in _candidates(group)):
            parts = [("not " if neg else "") + lf.describe() for lf, neg in group]
            return f"contradictory conditions on {path}: " + "; ".join(parts)
    return None


def _flatten_all(node: All) -> list[Any]:
    out: list[Any] = []
    for item in node.items:
        if isinstance(item, All):
            out += _flatten_all(item)
        else:
            out.append(item)
    return out


def _unsat(node: Any) -> str | None:
    if isinstance(node, tuple):
        return None
    if isinstance(node, AnyOf):
        if not node.items:
            return "an empty `any` is never true"
        reasons = [_unsat(c) for c in node.items]
        return None if any(r is None for r in reasons) else f"every branch of `any` is impossible: {reasons[0]}"
    assert isinstance(node, All)
    items = _flatten_all(node)
    msg = _check_all(items)
    if msg:
        return msg
    for item in items:
        if isinstance(item, AnyOf) and (reason := _unsat(item)):
            return reason
    return None


def unsatisfiable(cond: Cond) -> str | None:
    """Why no case can make the condition true, or None when some case might."""
    return _unsat(_nnf(cond))


def _canon(raw: Any) -> str:
    return json.dumps(raw, sort_keys=True, default=str)


def conflicts(statements: list[CompiledStatement]) -> list[Problem]:
    from tumorboard.knowledge.loader import Problem

    groups: dict[tuple[str, str, str], list[CompiledStatement]] = {}
    for cs in statements:
        key = (cs.stmt.scope, _canon(cs.stmt.applies_when), _canon(cs.stmt.not_when))
        groups.setdefault(key, []).append(cs)
    out = []
    for group in groups.values():
        against = [c for c in group if c.stmt.strength == "not_recommended" and c.stmt.modality]
        for bad in against:
            for good in group:
                if good.stmt.strength == "not_recommended":
                    continue
                mods = {good.stmt.modality, *good.stmt.followed_by}
                if bad.stmt.modality in mods:
                    out.append(Problem(
                        "conflict",
                        f"recommends {bad.stmt.modality!r} under the same conditions as {bad.id!r} "
                        f"({bad.file}) advises against it",
                        file=good.file, statement=good.id, field="applies_when",
                    ))
    return out
