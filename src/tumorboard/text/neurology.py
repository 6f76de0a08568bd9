"""Neurological signs: Frankel, ASIA, time course of the motor deficit (booleans are constant rules)."""

from __future__ import annotations

import re

from tumorboard.text.disease import NUMBER_WORDS

Facts = list[tuple[str, object]]
_WORDS = {**NUMBER_WORDS, "a": 1}


def frankel(text: str, sentence: str = "") -> Facts:
    m = re.search(r"([A-E])\s*$", text.strip())
    return [("neurology.frankel", m.group(1))] if m else []


def asia(text: str, sentence: str = "") -> Facts:
    m = re.search(r"([A-E])\s*$", text.strip())
    return [("neurology.asia", m.group(1))] if m else []


def duration_days(number: str, unit: str) -> float | None:
    """``2`` ``weeks`` -> 14.0."""
    n = _WORDS.get(number.lower()) if not number.isdigit() else int(number)
    if n is None:
        return None
    u = unit.lower()
    if u.startswith("h"):
        return round(n / 24, 2)
    if u.startswith("w"):
        return float(n * 7)
    return float(n)


def deficit_days(text: str, sentence: str = "") -> Facts:
    """``weakness over 3 days``, ``10 days of progressive leg weakness``, ``giving way for 1 week``."""
    m = re.search(
        r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s*(hours?|hrs?|h|days?|d|weeks?|wks?)\b",
        text,
        re.IGNORECASE,
    )
    if not m:
        return []
    days = duration_days(m.group(1), m.group(2))
    return [("neurology.motor_deficit_days", days)] if days is not None else []
