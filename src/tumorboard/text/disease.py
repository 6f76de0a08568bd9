"""Visceral metastases, their sites and the lung-nodule count."""

from __future__ import annotations

import re

Facts = list[tuple[str, object]]
_ORGANS = [
    (r"lungs?|pulmonary", "lung"),
    (r"liver|hepatic", "liver"),
    (r"adrenals?", "adrenal"),
    (r"pleural?", "pleura"),
    (r"peritoneal|peritoneum", "peritoneum"),
    (r"brain|cerebral|intracranial", "brain"),
]
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}
_COUNT = re.compile(
    r"(?<![>\w])(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:\w+\s+){0,2}?nodules?\b"
    r"|(?:lung|pulmonary)\s+(?:mets?|metastas[ie]s|nodules?)\s*(?:x\s*(\d{1,3})\b|\(\s*(\d{1,3})\s*(?:nodules?)?\s*[,)])"
    r"|\(\s*(\d{1,3})\s+nodules?",
    re.IGNORECASE,
)


def sites(text: str) -> list[str]:
    """Visceral sites named in ``text``."""
    found: list[str] = []
    for rx, site in _ORGANS:
        if re.search(rf"\b(?:{rx})\b", text, re.IGNORECASE) and site not in found:
            found.append(site)
    return found


def visceral(text: str, sentence: str = "") -> Facts:
    out: Facts = [("disease.visceral_sites", s) for s in sites(text)]
    if re.search(r"\brelapse", text, re.IGNORECASE):
        out.append(("primary.status", "recurrent"))
    if any(s == "brain" for s in sites(text)):
        out.append(("disease.brain_metastases", True))
    if any(s == "lung" for s in sites(text)):
        n = nodule_count(sentence or text)
        if n is not None:
            out.append(("disease.pulmonary_nodules", n))
    return out


def visceral_negated(text: str, sentence: str = "") -> Facts:
    """A negated visceral mention: only ``brain`` has a boolean to set false."""
    return [("disease.brain_metastases", False)] if "brain" in sites(text) else []


def nodule_count(sentence: str) -> int | None:
    """``6 nodules``, ``lung mets x4``, ``Lung nodules (2)``; ``>10 nodules`` is not a count."""
    m = _COUNT.search(sentence)
    if not m:
        return None
    raw = next(g for g in m.groups() if g)
    return NUMBER_WORDS.get(raw.lower()) if not raw.isdigit() else int(raw)


def local_recurrence(text: str, sentence: str = "") -> Facts:
    """``local recurrence``: the primary has recurred locally."""
    return [("primary.local_recurrence", True), ("primary.status", "recurrent")]
