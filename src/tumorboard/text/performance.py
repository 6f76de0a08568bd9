"""Age, sex, ECOG/WHO performance status, Karnofsky, ambulatory status."""

from __future__ import annotations

import re

Facts = list[tuple[str, object]]

_FEMALE = {"woman", "female", "lady", "girl", "f", "mrs", "ms", "miss"}
_MALE = {"man", "male", "gentleman", "gent", "boy", "m", "mr"}


def _sex(word: str) -> str | None:
    w = word.lower().rstrip(".")
    if w in _FEMALE:
        return "female"
    if w in _MALE:
        return "male"
    return None


def age_sex(text: str, sentence: str = "") -> Facts:
    """``58-year-old woman``, ``62F``, ``71 y/o male``, ``aged 58``, ``Mrs Khan, 55``."""
    out: Facts = []
    m = re.search(r"(\d{1,3})", text)
    if m and 0 < int(m.group(1)) <= 110:
        out.append(("patient.age_years", int(m.group(1))))
    tail = text[m.end() :] if m else text
    w = re.search(r"\b(woman|female|lady|girl|man|male|gentleman|gent|boy)\b", tail, re.IGNORECASE)
    if w:
        out.append(("patient.sex", _sex(w.group(1))))
    else:
        c = re.search(r"(?<![A-Za-z])([MF])\b", tail)
        if c:
            out.append(("patient.sex", _sex(c.group(1))))
        t = re.match(r"\s*(Mrs|Ms|Miss|Mr)\b", text)
        if t:
            out.append(("patient.sex", _sex(t.group(1))))
    return out


def sex_title(text: str, sentence: str = "") -> Facts:
    """``Mr``/``Mrs``/``Ms`` before a name."""
    s = _sex(text.strip())
    return [("patient.sex", s)] if s else []


def sex_word(text: str, sentence: str = "") -> Facts:
    """``this lady``, ``a gentleman``."""
    s = _sex(text.split()[-1])
    return [("patient.sex", s)] if s else []


def ecog(text: str, sentence: str = "") -> Facts:
    """ECOG / WHO performance status 0-4."""
    m = re.search(r"([0-4])\s*$", text.strip())
    return [("patient.ecog", int(m.group(1)))] if m else []


def kps(text: str, sentence: str = "") -> Facts:
    """Karnofsky 0-100 in steps of 10, as recorded."""
    m = re.search(r"(\d{2,3})", text)
    if m:
        v = int(m.group(1))
        if 10 <= v <= 100 and v % 10 == 0:
            return [("patient.kps", v)]
    return []
