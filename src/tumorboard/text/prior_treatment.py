"""Prior radiotherapy (dose, fractions, when), surgery at a lesion and systemic lines (generic drug names)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

Facts = list[tuple[str, object]]
_PRIOR = re.compile(
    r"\b(?:prior|previous(?:ly)?|earlier|ago|had|received|history\s+of|re-?irradiat\w*|(?:19|20)\d\d)\b", re.IGNORECASE
)


def rt_dose(text: str, sentence: str = "") -> Facts:
    """``30 Gy in 10 fractions``, ``24 Gy/2 fx``, ``8 Gy single fraction``, ``N months ago`` in the sentence."""
    if sentence and not _PRIOR.search(sentence):
        return []
    out: Facts = []
    m = re.search(r"(\d{1,3}(?:\.\d)?)\s*Gy", text, re.IGNORECASE)
    if m:
        out.append(("lesion.prior_radiotherapy.dose_gy", float(m.group(1))))
    f = re.search(r"(?:in|/|x|over)\s*(\d{1,2})\s*(?:fractions?|fx|fr|#)?\s*$", text, re.IGNORECASE)
    if f and m:
        out.append(("lesion.prior_radiotherapy.fractions", int(f.group(1))))
    elif re.search(r"\b(?:single|one)\s+fraction|single\s+\d", text, re.IGNORECASE):
        out.append(("lesion.prior_radiotherapy.fractions", 1))
    a = re.search(r"\b(\d{1,3})\s*(months?|years?|weeks?)\s+ago\b", sentence, re.IGNORECASE)
    if a and out:
        n = int(a.group(1))
        unit = a.group(2).lower()
        months = n * 12 if unit.startswith("y") else round(n / 4.345, 1) if unit.startswith("w") else n
        out.append(("lesion.prior_radiotherapy.months_ago", months))
    return out


@lru_cache(maxsize=1)
def drug_vocabulary() -> dict[str, Any]:
    """The drug lists of ``rules/drugs.yaml``."""
    data: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "rules" / "drugs.yaml").read_text())
    return data


def generic(name: str) -> str | None:
    """Generic name of a drug or brand, or None for a name that is not an anticancer line."""
    v = drug_vocabulary()
    n = name.lower().strip()
    n = str(v["brands"].get(n, n))
    if n in v["not_lines"]:
        return None
    for group in ("cytotoxic", "targeted", "immunotherapy", "hormonal"):
        if n in v[group]:
            return n
    return None


def is_cytotoxic(name: str) -> bool:
    return name in drug_vocabulary()["cytotoxic"]


def drug(text: str, sentence: str = "") -> Facts:
    """One drug or regimen mention -> systemic lines (and prior chemotherapy for a cytotoxic)."""
    v = drug_vocabulary()
    key = re.sub(r"\s*/\s*", "/", text.lower().strip())
    names = v["regimens"].get(key) or [text]
    out: Facts = []
    for n in names:
        g = generic(n)
        if g:
            out.append(("history.systemic_lines", g))
            if is_cytotoxic(g):
                out.append(("history.prior_chemotherapy", True))
    return out


_CUE = re.compile(
    r"\b(?:on|received|receiving|treated\s+with|previously|progressed\s+on|progressing\s+on|lines?:?|then|after|"
    r"and|with|had)\s+([A-Z][A-Za-z]{3,}(?:-[A-Za-z]+)?)"
)
_NOT_DRUG = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "MRI", "Dear"}


def lookup_drugs(sentence: str, taken: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Brand or generic names the rules do not know, in a treatment context, mapped by drug-named-entity-recognition
    (loaded lazily on first use) and kept only when the generic is an anticancer drug of the vocabulary.
    Returns (generic, start, end) within ``sentence``."""
    cands = [(m.group(1), m.start(1), m.end(1)) for m in _CUE.finditer(sentence)]
    cands = [c for c in cands if c[0] not in _NOT_DRUG and not any(s < c[2] and c[1] < e for s, e in taken)]
    if not cands:
        return []
    try:
        from drug_named_entity_recognition import find_drugs
    except ImportError:  # pragma: no cover - optional vocabulary
        return []
    out = []
    for word, start, end in cands:
        for found in find_drugs([word], is_ignore_case=True):
            g = generic(re.sub(r"\s*\(.*\)\s*$", "", str(found[0].get("name", ""))))
            if g:
                out.append((g, start, end))
                break
    return out


def drug_patterns() -> list[tuple[str, str]]:
    """(literal, regex) for every drug name, brand and regimen of the vocabulary."""
    v = drug_vocabulary()
    names = [n for g in ("cytotoxic", "targeted", "immunotherapy", "hormonal") for n in v[g]]
    names += list(v["brands"])
    names += v["not_lines"]
    pats = [(n, r"\b" + re.escape(n) + r"\b") for n in names]
    pats += [(r, r"\b" + re.escape(r).replace("/", r"\s*/\s*") + r"\b") for r in v["regimens"]]
    return pats
