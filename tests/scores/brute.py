"""Brute-force checks shared by the score tests: exhaustive complete inputs, and every partial input checked against
all of its completions (range, possible bands, determinacy, and which missing fields could change the total)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from tumorboard.model.case import Case
from tumorboard.model.result import ScoreResult

Assignment = dict[str, Any]


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.0.c`` in a nested dict/list document (lists are grown as needed)."""
    parts = path.split(".")
    node: Any = doc
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: Any = [] if not last and parts[i + 1].isdigit() else {}
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            if last:
                node[idx] = value
            else:
                if not node[idx]:
                    node[idx] = nxt
                node = node[idx]
        else:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, nxt)


def case_from(base: Mapping[str, Any], values: Mapping[str, Any]) -> Case:
    doc: dict[str, Any] = {}
    for path, value in {**base, **values}.items():
        set_path(doc, path, value)
    return Case.model_validate(doc)


@dataclass
class Space:
    """An input space: named fields with their known values; ``build`` maps an assignment (None = missing) to a case."""

    fields: dict[str, list[Any]]
    build: Callable[[Assignment], Case]
    paths: dict[str, tuple[str, ...]]  # the missing-field paths each named field stands for
    score: Callable[[Case], ScoreResult | None]
    expected: Callable[[Assignment], float]  # the published table's total for a complete assignment
    band: Callable[[float], str]
    completions: dict[str, list[Any]] = field(default_factory=dict)  # known values a None may stand for, if fewer

    def full(self) -> list[Assignment]:
        names = list(self.fields)
        return [dict(zip(names, combo, strict=True)) for combo in product(*self.fields.values())]

    def partial(self) -> list[Assignment]:
        names = list(self.fields)
        opts = [[*v, None] for v in self.fields.values()]
        return [dict(zip(names, c, strict=True)) for c in product(*opts) if None in c]


def run(result: ScoreResult | None) -> ScoreResult:
    assert result is not None
    return result


def check_complete(space: Space, sum_of_items: bool = True) -> dict[tuple[Any, ...], tuple[float, str]]:
    """Every complete input: value = published total = sum of the items' points; band from the table; no range."""
    table: dict[tuple[Any, ...], tuple[float, str]] = {}
    for a in space.full():
        r = run(space.score(space.build(a)))
        total = space.expected(a)
        assert r.value == total, (a, r.value, total)
        if sum_of_items:
            assert sum(i.points or 0 for i in r.inputs.values()) == total, a
        assert (r.min, r.max) == (total, total), a
        assert r.band == space.band(total) and r.determinate and r.possible_bands == [r.band], a
        assert r.missing == [], (a, r.missing)
        table[tuple(a.values())] = (total, r.band)
    return table


def _completions(space: Space, a: Assignment) -> list[Assignment]:
    names = list(space.fields)
    opts = [space.completions.get(n, space.fields[n]) if a[n] is None else [a[n]] for n in names]
    return [dict(zip(names, c, strict=True)) for c in product(*opts)]


def check_partial(space: Space, table: Mapping[tuple[Any, ...], tuple[float, str]],
                  sample: Sequence[Assignment] | None = None, exact_missing: bool = True) -> int:
    """Every partial input against the brute-force completion: min/max, possible bands, determinate, band, missing."""
    count = 0
    for a in sample if sample is not None else space.partial():
        comps = _completions(space, a)
        outcomes = [table[tuple(c.values())] for c in comps]
        values = [v for v, _ in outcomes]
        bands = {b for _, b in outcomes}
        r = run(space.score(space.build(a)))
        assert r.min == min(values) and r.max == max(values), (a, r.min, r.max, min(values), max(values))
        assert r.min is not None and r.max is not None and r.min <= r.max
        assert set(r.possible_bands) == bands, (a, r.possible_bands, bands)
        assert r.determinate == (len(bands) == 1), a
        assert r.band == (next(iter(bands)) if len(bands) == 1 else None), a
        if r.missing:
            assert r.value is None, a
        else:  # every unknown input is irrelevant here: the value is decided
            assert len(set(values)) == 1 and r.value == values[0], a
        relevant: set[str] = set()
        for name in (n for n in space.fields if a[n] is None):
            groups: dict[tuple[Any, ...], set[float]] = {}
            for c, v in zip(comps, values, strict=True):
                groups.setdefault(tuple(c[k] for k in c if k != name), set()).add(v)
            if any(len(g) > 1 for g in groups.values()):
                relevant.update(space.paths[name])
        unknown_paths = {p for n in space.fields if a[n] is None for p in space.paths[n]}
        assert relevant <= set(r.missing), (a, r.missing, relevant)
        assert set(r.missing) <= unknown_paths, (a, r.missing, unknown_paths)
        if exact_missing:
            assert set(r.missing) == relevant, (a, r.missing, relevant)
        count += 1
    return count
