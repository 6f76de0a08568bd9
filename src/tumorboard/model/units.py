"""Explicit unit conversion for laboratory values.

A lab is normally given in the unit its name states (``albumin_g_dl: 3.9``). Another unit is accepted only when it
is written out (``albumin_g_dl: {value: 39, unit: g/L}``); the converter then says what it converted, so that no
value changes silently. Factors are the standard SI conversions (molar masses: calcium 40.08 g/mol, creatinine
113.12 g/mol, bilirubin 584.66 g/mol).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# field -> {accepted unit (lower case, spaces removed): factor to the field's own unit}
CONVERSIONS: dict[str, dict[str, float]] = {
    "albumin_g_dl": {"g/dl": 1.0, "g/l": 0.1},
    "crp_mg_dl": {"mg/dl": 1.0, "mg/l": 0.1},
    "ldh_iu_l": {"iu/l": 1.0, "u/l": 1.0},
    "platelets_per_ul": {"/ul": 1.0, "/µl": 1.0, "10^9/l": 1000.0, "x10^9/l": 1000.0, "10*9/l": 1000.0,
                         "10*3/ul": 1000.0},
    "calcium_mg_dl": {"mg/dl": 1.0, "mmol/l": 4.008},
    "bilirubin_mg_dl": {"mg/dl": 1.0, "µmol/l": 1 / 17.104, "umol/l": 1 / 17.104},
    "hemoglobin_g_dl": {"g/dl": 1.0, "g/l": 0.1, "mmol/l": 1.611},
    "creatinine_mg_dl": {"mg/dl": 1.0, "µmol/l": 1 / 88.42, "umol/l": 1 / 88.42},
    "creatinine_clearance_ml_min": {"ml/min": 1.0, "ml/s": 60.0},
}


@dataclass(frozen=True)
class Conversion:
    """One conversion that was made, for the report."""

    field: str
    value: float
    unit: str
    converted: float

    def describe(self) -> str:
        return f"labs.{self.field}: converted {self.value:g} {self.unit} to {self.converted:.3g}"


class UnitError(ValueError):
    """A unit that the converter does not know for this field."""

    def __init__(self, field: str, unit: str) -> None:
        allowed = ", ".join(CONVERSIONS.get(field, {}))
        super().__init__(f"unit {unit!r} is not one of {allowed}")
        self.field = field
        self.unit = unit


def _normalise(unit: str) -> str:
    return unit.strip().lower().replace(" ", "").replace("μ", "µ")


def convert_lab(field: str, value: float, unit: str) -> Conversion:
    """Convert ``value`` given in ``unit`` to the unit of ``field``."""
    table = CONVERSIONS.get(field)
    factor = table.get(_normalise(unit)) if table else None
    if factor is None:
        raise UnitError(field, unit)
    return Conversion(field, float(value), unit, round(float(value) * factor, 4))


def convert_labs(labs: dict[str, Any]) -> tuple[dict[str, Any], list[Conversion]]:
    """Replace ``{value, unit}`` entries of a raw labs mapping by numbers in the field's unit."""
    out: dict[str, Any] = {}
    done: list[Conversion] = []
    for name, raw in labs.items():
        if isinstance(raw, dict) and set(raw) == {"value", "unit"} and raw["value"] is not None:
            conversion = convert_lab(name, float(raw["value"]), str(raw["unit"]))
            out[name] = conversion.converted
            done.append(conversion)
        else:
            out[name] = raw
    return out, done
