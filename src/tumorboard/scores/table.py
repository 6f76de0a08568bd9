"""The machinery shared by every table-driven score: items, bands, ranges under missing inputs.

A score module states its published table as data (``Item`` rows and ``Band`` ranges) and a small function that
reads each item's category from the case. This module does the arithmetic: the total when every item is known, the
range (``min``/``max``) the total could take given the unknown items, the bands that range could fall in, and
whether the band is already fixed (``determinate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, TypeVar, cast

from tumorboard.model.result import ItemInput, ScoreResult
from tumorboard.model.trusted import trusted

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

    @cached_property
    def all_options(self) -> tuple[float, ...]:
        """Every distinct point value of the item, ascending (what an input with no constraint could score)."""
        return tuple(sorted(set(self.points.values())))

    @cached_property
    def integral(self) -> bool:
        """Whether every point value is a non-negative ``int`` (every table here), for the fast range arithmetic."""
        return all(type(p) is int and p >= 0 for p in self.points.values())

    def options(self, possible: frozenset[str] | None) -> list[float]:
        """The distinct points still possible, ascending: of ``possible`` categories, or of all when None."""
        if possible is None:
            return list(self.all_options)
        return sorted({self.points[c] for c in possible})


@dataclass(frozen=True)
class Band:
    """A closed range of totals with a stable id and its meaning from the source. A score's bands are disjoint."""

    id: str
    low: float
    high: float
    meaning: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


class Reading(NamedTuple):
    """What the case says about one item: a category, or the set still possible when the input is unknown.

    A named tuple rather than a frozen dataclass: every score builds several per case, and tuples are cheaper."""

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
    return Reading(None, field, None, None if possible is None else frozenset(possible), note, tuple(also_missing))


def from_field(value: str | None, path: str, note: str | None = None) -> Reading:
    """The reading of an item whose category is the recorded value itself (or unknown when it is absent)."""
    return known(value, path, value, note) if value is not None else unknown(path)


def flag(value: bool | None, path: str, yes: str = "yes", no: str = "no") -> Reading:
    """A yes/no item read from a boolean field."""
    if value is None:
        return unknown(path)
    return known(yes if value else no, path, value)


_ITEM_FIELDS = ("field", "value", "category", "points", "possible", "note")
assert tuple(ItemInput.model_fields) == _ITEM_FIELDS, "ItemInput changed: update _item"
_RESULT_FIELDS = tuple(ScoreResult.model_fields)
# ScoreResult's defaults: immutable values, and factories for the fields whose default is a fresh list or dict.
_RESULT_VALUES = {n: f.default for n, f in ScoreResult.model_fields.items() if not f.is_required() and
                  f.default_factory is None}
_RESULT_FACTORIES = {n: cast("Callable[[], Any]", f.default_factory) for n, f in ScoreResult.model_fields.items()
                     if f.default_factory is not None}
_ALL_ITEM_FIELDS = frozenset(_ITEM_FIELDS)
_ALL_RESULT_FIELDS = frozenset(_RESULT_FIELDS)
_new = object.__new__
_set = object.__setattr__


def _trusted(cls: type[M], data: dict[str, Any], fields_set: set[str]) -> M:
    """Build a result model from values this module computed itself, without re-validating them (every score of
    every case goes through here). ``data`` must hold every field of ``cls`` with a value of the declared type."""
    return trusted(cls, data, fields_set)


def _item(
    field: str | None, value: Any, category: str | None, points: float | None, possible: list[float] | None,
    note: str | None,
) -> ItemInput:
    """``_trusted(ItemInput, ...)`` with every field set, written out: it runs for every item of every score."""
    model = _new(ItemInput)
    _set(model, "__dict__", {"field": field, "value": value, "category": category, "points": points,
                             "possible": possible, "note": note})
    _set(model, "__pydantic_fields_set__", set(_ALL_ITEM_FIELDS))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def item_input(**values: Any) -> ItemInput:
    """``ItemInput(**values)`` without validation, for scores that build their items by hand.

    The caller passes values of the declared types (``points`` and ``possible`` as floats, as validation would
    make them); the fields not given are None, and the fields set are those given, as with validation."""
    return _trusted(ItemInput, {name: values.get(name) for name in _ITEM_FIELDS}, set(values))


def score_result(**values: Any) -> ScoreResult:
    """``ScoreResult(**values)`` without validation, on the same terms as ``item_input`` (defaults are fresh)."""
    data: dict[str, Any] = {}
    for name in _RESULT_FIELDS:
        if name in values:
            data[name] = values[name]
        elif name in _RESULT_VALUES:
            data[name] = _RESULT_VALUES[name]
        else:
            data[name] = _RESULT_FACTORIES[name]()  # KeyError for a required field that was not given
    return _trusted(ScoreResult, data, set(values))


def updated(result: ScoreResult, changes: Mapping[str, Any]) -> ScoreResult:
    """``result.model_copy(update=changes)`` (a shallow copy, no validation) without pydantic's generic copy."""
    return _trusted(ScoreResult, {**result.__dict__, **changes}, result.__pydantic_fields_set__ | changes.keys())


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
    total: float = 0
    choices: list[list[float]] = []
    integral = True
    for item in items:
        category, path, value, possible, note, also_missing = readings[item.key]
        if category is not None:
            pts = item.points[category]
            total += pts
            inputs[item.key] = _item(path, value, category, pts, None, note)
            continue
        options = item.options(possible)
        choices.append(options)
        integral = integral and item.integral
        for field_path in (path, *also_missing):
            if field_path and field_path not in missing:
                missing.append(field_path)
        inputs[item.key] = _item(path, None, None, None, options, note)
    if not choices:
        found = band_of(bands, total)
        return _additive_result(
            key, name, lesion, level, inputs, missing, notes, references, value=_num(total), low=total, high=total,
            band=found.id, possible_bands=[found.id],
            text=interpret.format(value=_num(total), band=found.id, band_meaning=found.meaning),
        )
    totals = _reachable(total, choices, integral and type(total) is int and total >= 0)
    low, high = totals[0], totals[-1]
    possible_bands = _bands_reached(bands, totals)
    if len(possible_bands) == 1:
        band: str | None = possible_bands[0]
        text = (
            f"{name} is {_num(low)}-{_num(high)} with the missing inputs; the band is {band} whatever they are "
            f"({band_of(bands, low).meaning})."
        )
    else:
        band = None
        text = (
            f"{name} could be {_num(low)}-{_num(high)}: the band could be {' or '.join(possible_bands)}; "
            f"record {', '.join(missing)} to decide."
        )
    return _additive_result(key, name, lesion, level, inputs, missing, notes, references, value=None, low=low,
                            high=high, band=band, possible_bands=possible_bands, text=text)


def _reachable(total: float, choices: list[list[float]], integral: bool) -> list[float]:
    """Every total the unknown items could still produce, ascending: a set convolution (the same totals as the full
    product of the choices, without enumerating it). Integer points use the bits of an int as the set."""
    if not integral:
        reachable = {total}
        for options in choices:
            reachable = {t + o for t in reachable for o in options}
        return sorted(reachable)
    bits = 1 << int(total)
    for options in choices:
        shifted = 0
        for o in options:
            shifted |= bits << int(o)
        bits = shifted
    low = (bits & -bits).bit_length() - 1
    return [t for t in range(low, bits.bit_length()) if bits >> t & 1]


def _bands_reached(bands: Sequence[Band], totals: list[float]) -> list[str]:
    """The ids of the bands the ascending ``totals`` fall in, in that order (a score's bands are disjoint)."""
    current = band_of(bands, totals[0])
    if totals[-1] <= current.high:
        return [current.id]
    reached = [current.id]
    for t in totals:
        if t > current.high:
            current = band_of(bands, t)
            if current.id not in reached:
                reached.append(current.id)
    return reached


def _additive_result(
    key: str, name: str, lesion: str | None, level: str | None, inputs: dict[str, ItemInput], missing: list[str],
    notes: Sequence[str], references: Sequence[str], *, value: float | None, low: float, high: float,
    band: str | None, possible_bands: list[str], text: str,
) -> ScoreResult:
    return _trusted(ScoreResult, {
        "key": key, "name": name, "value": value, "min": _num(low), "max": _num(high), "band": band,
        "determinate": len(possible_bands) == 1, "possible_bands": possible_bands, "lesion": lesion,
        "level": level, "missing": missing, "inputs": inputs, "interpretation": text, "notes": list(notes),
        "references": list(references), "by_lesion": None, "extra": None,
    }, set(_ALL_RESULT_FIELDS))


def _num(value: float) -> float:
    """Points are integers in every table here; keep ints as ints in JSON."""
    if type(value) is int:
        return value
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
