"""The machinery shared by every table-driven score: items, bands, ranges under missing inputs.

A score module states its published table as data (``Item`` rows and ``Band`` ranges) and a small function that
reads each item's category from the case. This module does the arithmetic: the total when every item is known, the
range (``min``/``max``) the total could take given the unknown items, the bands that range could fall in, and
whether the band is already fixed (``determinate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tumorboard.model.result import ItemInput, ScoreResult

M = TypeVar("M", ItemInput, ScoreResult)


@dataclass(frozen=True)
class Item:
    """One row group of a published score table: categories and their points."""

    key: str
    label: str
    points: Mapping[str, float]
    labels: Mapping[str, str] = field(default_factory=dict)

    def describe(self, category: str) -> str:
        return self.labels.get(category, category.replace("_", " "))


@dataclass(frozen=True)
class Band:
    """A closed range of totals with a stable id and its meaning from the source."""

    id: str
    low: float
    high: float
    meaning: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Reading:
    """What the case says about one item: a category, or the set still possible when the input is unknown."""

    category: str | None
    field: str | None
    value: object = None
    possible: frozenset[str] | None = None  # None with category None: every category is possible
    note: str | None = None
    also_missing: tuple[str, ...] = ()  # further fields that must be recorded to decide this item


def known(category: str, field: str | None, value: object = None, note: str | None = None) -> Reading:
    return Reading(category, field, value, None, note)


def unknown(
    field: str | None,
    possible: Iterable[str] | None = None,
    note: str | None = None,
    also_missing: Sequence[str] = (),
) -> Reading:
    return Reading(None, field, None, frozenset(possible) if possible is not None else None, note, tuple(also_missing))


def from_field(value: str | None, path: str, note: str | None = None) -> Reading:
    """The reading of an item whose category is the recorded value itself (or unknown when it is absent)."""
    return known(value, path, value, note) if value is not None else unknown(path)


def flag(value: bool | None, path: str, yes: str = "yes", no: str = "no") -> Reading:
    """A yes/no item read from a boolean field."""
    if value is None:
        return unknown(path)
    return known(yes if value else no, path, value)


_ITEM_FIELDS = tuple(ItemInput.model_fields)


def _trusted(cls: type[M], data: dict[str, Any]) -> M:
    """Build a result model from values this module computed itself, without re-validating them.

    ``additive`` runs for every score of every case; pydantic validation of its own typed output was most of its
    cost (bench/scores.py). ``data`` must hold every field of ``cls`` with a value of the declared type."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", data)
    object.__setattr__(model, "__pydantic_fields_set__", set(data))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _item(**values: Any) -> ItemInput:
    return _trusted(ItemInput, {name: values.get(name) for name in _ITEM_FIELDS})


def band_of(bands: Sequence[Band], value: float) -> Band:
    for band in bands:
        if band.low <= value <= band.high:
            return band
    raise ValueError(f"{value} falls in no band")


def additive(
    *,
    key: str,
    name: str,
    items: Sequence[Item],
    readings: Mapping[str, Reading],
    bands: Sequence[Band],
    references: Sequence[str],
    interpret: str = "{band_meaning}",
    lesion: str | None = None,
    level: str | None = None,
    notes: Sequence[str] = (),
) -> ScoreResult:
    """Sum a table-driven score; report its range, possible bands and determinacy when inputs are missing."""
    inputs: dict[str, ItemInput] = {}
    missing: list[str] = []
    total = 0.0
    choices: list[list[float]] = []
    for item in items:
        reading = readings[item.key]
        if reading.category is not None:
            pts = item.points[reading.category]
            total += pts
            inputs[item.key] = _item(
                field=reading.field, value=reading.value, category=reading.category, points=pts, note=reading.note
            )
            continue
        allowed = reading.possible if reading.possible is not None else frozenset(item.points)
        options = sorted({item.points[c] for c in allowed})
        choices.append(options)
        for path in (reading.field, *reading.also_missing):
            if path and path not in missing:
                missing.append(path)
        inputs[item.key] = _item(field=reading.field, possible=options, note=reading.note)
    # Every total the unknown items could still produce (a set convolution; same result as the full product).
    reachable = {total}
    for options in choices:
        reachable = {t + o for t in reachable for o in options}
    totals = sorted(reachable)
    possible_bands = list(dict.fromkeys(band_of(bands, t).id for t in totals))
    low, high = totals[0], totals[-1]
    complete = not choices
    band = band_of(bands, total).id if complete else (possible_bands[0] if len(possible_bands) == 1 else None)
    meaning = band_of(bands, low).meaning if band else ""
    if complete:
        text = interpret.format(value=_num(total), band=band, band_meaning=meaning)
    elif band:
        text = (
            f"{name} is {_num(low)}-{_num(high)} with the missing inputs; the band is {band} whatever they are "
            f"({meaning})."
        )
    else:
        text = (
            f"{name} could be {_num(low)}-{_num(high)}: the band could be {' or '.join(possible_bands)}; "
            f"record {', '.join(missing)} to decide."
        )
    data: dict[str, Any] = dict(
        key=key,
        name=name,
        value=_num(total) if complete else None,
        min=_num(low),
        max=_num(high),
        band=band,
        determinate=len(possible_bands) == 1,
        possible_bands=possible_bands,
        lesion=lesion,
        level=level,
        missing=missing,
        inputs=inputs,
        interpretation=text,
        notes=list(notes),
        references=list(references),
        by_lesion=None,
        extra=None,
    )
    return _trusted(ScoreResult, data)


def _num(value: float) -> float:
    """Points are integers in every table here; keep ints as ints in JSON."""
    return int(value) if float(value).is_integer() else value


def worst(results: Sequence[ScoreResult], higher_is_worse: bool = True) -> ScoreResult:
    """The most severe of several results: by value when known, otherwise by the worst value still possible."""

    def severity(r: ScoreResult) -> tuple[float, float]:
        if higher_is_worse:
            point = r.value if isinstance(r.value, (int, float)) else (r.max if r.max is not None else 0)
            return (float(point), float(r.min if r.min is not None else 0))
        point = r.value if isinstance(r.value, (int, float)) else (r.min if r.min is not None else 0)
        return (-float(point), -float(r.max if r.max is not None else 0))

    return max(results, key=severity)
