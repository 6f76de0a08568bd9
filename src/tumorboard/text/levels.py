"""Spinal levels and ranges: ``S1-3``, ``S1–S3``, ``T9/10``, ``L4 to S1``, ``C7-T1``."""

from __future__ import annotations

import re

ORDER: list[str] = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
_INDEX = {lv: i for i, lv in enumerate(ORDER)}
_RX = re.compile(r"(Th|[CTLS])\s*(\d{1,2})(?:\s*(-|–|—|/|to|through|thru)\s*(Th|[CTLS])?\s*(\d{1,2}))?", re.IGNORECASE)
REGION = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacrum"}


def _level(letter: str, number: str) -> str | None:
    letter = "T" if letter.lower() == "th" else letter.upper()
    name = f"{letter}{int(number)}"
    return name if name in _INDEX else None


def parse_range(text: str) -> tuple[list[str], bool]:
    """Levels named by ``text`` and whether it is an interspace (``L4/5``: a disc or foramen between two levels)."""
    m = _RX.search(text)
    if not m:
        return [], False
    first = _level(m.group(1), m.group(2))
    if first is None:
        return [], False
    if not m.group(5):
        return [first], False
    second = _level(m.group(4) or m.group(1), m.group(5))
    if second is None:
        return [first], False
    a, b = sorted((_INDEX[first], _INDEX[second]))
    levels = ORDER[a : b + 1]
    return levels, m.group(3) == "/" and len(levels) == 2


def parse(text: str, sentence: str = "") -> list[tuple[str, object]]:
    """Rule-family parser: the ``lesion.levels`` a level mention names."""
    levels, _ = parse_range(text)
    return [("lesion.levels", levels)] if levels else []


def region_of(levels: list[str]) -> str | None:
    """Region of the most cranial level (``C7-T1`` -> cervical)."""
    if not levels:
        return None
    top = min(levels, key=lambda lv: _INDEX[lv])
    return REGION[top[0]]


def sort_levels(levels: set[str] | list[str]) -> list[str]:
    """Levels in craniocaudal order."""
    return sorted(set(levels), key=lambda lv: _INDEX[lv])


def contiguous(a: set[str], b: set[str]) -> bool:
    """True when two level sets overlap or touch."""
    ia = {_INDEX[x] for x in a}
    ib = {_INDEX[x] for x in b}
    return any(abs(x - y) <= 1 for x in ia for y in ib)
