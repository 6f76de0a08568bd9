"""The code maps of the FHIR importer, read from the YAML files in ``maps/`` (data, not code).

Lookups return what the map says plus the name of the rule that matched (``conditions.yaml:primary_icd10cm:C49``),
so that every fact can say which mapping produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MAPS = Path(__file__).with_name("maps")

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
UCUM = "http://unitsofmeasure.org"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


@cache
def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((MAPS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class Match:
    value: dict[str, Any]
    rule: str


def _prefix(table: dict[str, Any], code: str, rule: str) -> Match | None:
    """Longest-prefix match of an ICD-style code (dots optional in the input)."""
    normal = code.strip().upper()
    best: str | None = None
    for key in table:
        k = str(key).upper()
        if (normal == k or normal.startswith(k)) and (best is None or len(k) > len(best)):
            best = str(key)
    if best is None:
        return None
    value = table[best]
    return Match(value if isinstance(value, dict) else {"value": value}, f"{rule}:{best}")


def primary_site(system: str, code: str) -> Match | None:
    maps = load("conditions")
    if system == ICD10CM:
        return _prefix(maps["primary_icd10cm"], code, "conditions.yaml:primary_icd10cm")
    if system == SNOMED and code in maps["primary_snomed"]:
        return Match(maps["primary_snomed"][code], f"conditions.yaml:primary_snomed:{code}")
    return None


def secondary_site(system: str, code: str) -> Match | None:
    maps = load("conditions")
    if system == ICD10CM:
        return _prefix(maps["secondary_icd10cm"], code, "conditions.yaml:secondary_icd10cm")
    if system == SNOMED and code in maps["secondary_snomed"]:
        return Match(maps["secondary_snomed"][code], f"conditions.yaml:secondary_snomed:{code}")
    return None


def is_secondary_code(system: str, code: str) -> bool:
    if system == ICD10CM:
        c = code.upper()
        return c.startswith(("C77", "C78", "C79", "C7B"))
    return secondary_site(system, code) is not None


def other_condition(system: str, code: str) -> Match | None:
    maps = load("conditions")
    if system == ICD10CM:
        return _prefix(maps["other_icd10cm"], code, "conditions.yaml:other_icd10cm")
    if system == SNOMED and code in maps["other_snomed"]:
        return Match(maps["other_snomed"][code], f"conditions.yaml:other_snomed:{code}")
    return None


def morphology(code: str) -> Match | None:
    table = load("conditions")["morphology_icdo3"]
    key = code.strip()
    if key in table:
        return Match(table[key], f"conditions.yaml:morphology_icdo3:{key}")
    return None


def body_site(system: str, code: str) -> Match | None:
    maps = load("body_sites")
    if system == SNOMED and code in maps["snomed"]:
        return Match(maps["snomed"][code], f"body_sites.yaml:snomed:{code}")
    if system == ICDO3 and code.upper().startswith("C"):
        return _prefix(maps["icdo3_topography"], code, "body_sites.yaml:icdo3_topography")
    return None


def text_refinements() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    return _refinements()


@cache
def _refinements() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    return [(re.compile(r["pattern"], re.I), r) for r in load("body_sites")["text_refinements"]]


def laterality(system: str, code: str) -> str | None:
    if system != SNOMED:
        return None
    side = load("body_sites")["laterality"].get(code)
    return str(side) if side else None


def medication(system: str, code: str) -> Match | None:
    table = load("medications")
    if system == RXNORM and code in table:
        return Match(table[code], f"medications.yaml:{code}")
    return None


def medication_by_name(text: str) -> Match | None:
    """Match a free-text medication name (``Doxorubicin hydrochloride 2 MG/ML``) to a generic name of the map."""
    low = text.lower()
    for code, entry in sorted(load("medications").items(), key=lambda kv: -len(kv[1]["name"])):
        name = str(entry["name"])
        if re.search(rf"\b{re.escape(name)}\b", low):
            return Match(entry, f"medications.yaml:name:{code}")
    return None


def observations() -> dict[str, Any]:
    return load("observations")
