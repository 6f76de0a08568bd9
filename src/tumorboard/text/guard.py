"""Input checks before the pipeline: size, binary junk, language."""

from __future__ import annotations

import re

DEFAULT_MAX_CHARS = 200_000
_EN = {
    "the",
    "and",
    "with",
    "of",
    "no",
    "is",
    "a",
    "in",
    "for",
    "patient",
    "has",
    "was",
    "on",
    "at",
    "to",
    "not",
    "there",
    "she",
    "he",
    "her",
    "his",
    "which",
    "from",
    "this",
    "by",
    "are",
    "or",
    "an",
    "without",
}
_OTHER = {
    "der",
    "die",
    "das",
    "und",
    "mit",
    "über",
    "eine",
    "einer",
    "wir",
    "ist",
    "nicht",
    "bei",
    "le",
    "la",
    "les",
    "et",
    "avec",
    "une",
    "est",
    "pas",
    "des",
    "du",
    "el",
    "los",
    "las",
    "con",
    "una",
    "es",
    "por",
    "para",
    "del",
    "il",
    "di",
    "che",
    "è",
    "een",
    "het",
    "en",
    "niet",
    "van",
    "op",
    "och",
    "är",
    "og",
    "ikke",
    "não",
    "uma",
    "com",
    "os",
    "dos",
    "sehr",
    "geehrte",
    "patientin",
    "patient:in",
    "paciente",
}


class TextTooLarge(ValueError):
    """The input is longer than the configured limit."""


def check_size(text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise TextTooLarge(
            f"input has {len(text):,} characters; the limit is {max_chars:,} (pass max_chars to raise it, or split "
            "the text into notes)"
        )


def as_text(data: str | bytes) -> tuple[str, list[str]]:
    """Decode bytes (UTF-8, replacing errors) and drop control characters; returns the text and notes."""
    notes: list[str] = []
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", data)
    if cleaned != data:
        notes.append("control characters in the input were replaced by spaces")
    return cleaned, notes


def looks_binary(text: str) -> bool:
    """Mostly replacement characters, symbols or control bytes: not a note."""
    if not text:
        return False
    sample = text[:20_000]
    letters = sum(ch.isalpha() or ch.isspace() or ch.isdigit() for ch in sample)
    bad = sample.count("\ufffd")
    return letters / len(sample) < 0.6 or bad / len(sample) > 0.05


def looks_non_english(text: str) -> bool:
    """More function words of another European language than of English."""
    words = re.findall(r"[^\W\d_]+(?::in)?", text[:20_000].lower())
    if not words:
        return False
    en = sum(w in _EN for w in words)
    other = sum(w in _OTHER for w in words)
    return other >= 3 and other > en
