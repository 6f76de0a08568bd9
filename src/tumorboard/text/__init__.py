"""Clinical text to case: offline rule-based extraction (medspaCy) with provenance for every fact.

``extract(text)`` returns an :class:`~tumorboard.model.provenance.Extraction`; medspaCy is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tumorboard.text.guard import DEFAULT_MAX_CHARS, TextTooLarge

if TYPE_CHECKING:
    from tumorboard.model.provenance import Extraction

__all__ = ["DEFAULT_MAX_CHARS", "TextTooLarge", "extract", "get_pipeline", "render_text"]


def extract(text: str | bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> Extraction:
    """Extract a case, its facts (path, value, span, snippet, rule, ConText modifiers) and conflicts from a note."""
    from tumorboard.text.core import extract as _extract

    return _extract(text, max_chars=max_chars)


def get_pipeline() -> Any:
    """The shared medspaCy pipeline (built once, on first use)."""
    from tumorboard.text.pipeline import get_pipeline as _get

    return _get()


def render_text(extraction: Extraction, text: str | None = None) -> str:
    """Plain-text or Rich rendering of an extraction: the evidence table and the conflicts."""
    from tumorboard.text.render import render_text as _render

    return _render(extraction, text)
