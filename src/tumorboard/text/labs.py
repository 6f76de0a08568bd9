"""Laboratory values with units, converted to the unit in the case field name.

Factors: albumin and haemoglobin g/L / 10 -> g/dL; calcium mmol/L x 4.008 -> mg/dL; creatinine umol/L / 88.4 ->
mg/dL; CRP mg/L / 10 -> mg/dL. Without a unit the magnitude decides (albumin 38 is g/L, 3.8 is g/dL).
"""

from __future__ import annotations

import re

Facts = list[tuple[str, object]]
_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zµμ/ ]*)$", re.IGNORECASE)


def _value(text: str) -> tuple[float, str] | None:
    m = _NUM.search(text.strip())
    if not m:
        return None
    return float(m.group(1)), re.sub(r"\s+", "", m.group(2).lower())


def albumin(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    if not v:
        return []
    x, unit = v
    if unit == "g/l" or (not unit and x > 10):
        x = x / 10
    return [("labs.albumin_g_dl", round(x, 2))] if 0.5 <= x <= 7 else []


def hemoglobin(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    if not v:
        return []
    x, unit = v
    if unit == "g/l" or (not unit and x > 25):
        x = x / 10
    return [("labs.hemoglobin_g_dl", round(x, 2))] if 2 <= x <= 25 else []


def calcium(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    if not v:
        return []
    x, unit = v
    if unit == "mmol/l" or (not unit and x < 5):
        x = x * 4.008
    return [("labs.calcium_mg_dl", round(x, 2))] if 4 <= x <= 25 else []


def creatinine(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    if not v:
        return []
    x, unit = v
    if "mol/l" in unit or (not unit and x > 20):
        x = x / 88.4
    return [("labs.creatinine_mg_dl", round(x, 2))] if 0.1 <= x <= 30 else []


def crp(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    if not v:
        return []
    x, unit = v
    if unit != "mg/dl":
        x = x / 10
    return [("labs.crp_mg_dl", round(x, 2))]


def ldh(text: str, sentence: str = "") -> Facts:
    v = _value(text)
    return [("labs.ldh_iu_l", v[0])] if v else []
