"""Human-readable rendering of an extraction (Rich when installed, plain text otherwise)."""

from __future__ import annotations

import io
from typing import Any

from tumorboard.model.provenance import Extraction


def _rows(extraction: Extraction) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for f in extraction.facts:
        span = f"{f.start}-{f.end}" if f.start is not None else ""
        rows.append((f.path, _fmt(f.value), f.snippet or "", span, f.rule or ""))
    return rows


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_text(extraction: Extraction, text: str | None = None) -> str:
    """The facts (every one labelled as from text), the conflicts and the notes; spans highlighted when ``text`` is
    given and Rich is available."""
    try:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
    except ImportError:  # pragma: no cover - rich is a dependency, but keep a plain fallback
        lines = ["Facts extracted from text (confirm before use):"]
        lines += [" | ".join(r) for r in _rows(extraction)]
        lines += [f"CONFLICT {c.path}: {c.values} - {c.note}" for c in extraction.conflicts]
        lines += [f"note: {n}" for n in extraction.notes]
        return "\n".join(lines)
    buf = io.StringIO()
    console = Console(file=buf, width=140, force_terminal=False, color_system=None)
    table = Table(title="Facts extracted from text - confirm before use", show_lines=False)
    for col in ("field", "value", "evidence", "span", "rule"):
        table.add_column(col)
    for row in _rows(extraction):
        table.add_row(*row)
    console.print(table)
    for c in extraction.conflicts:
        console.print(f"[bold]CONFLICT[/bold] {c.path}: {c.values} - {c.note}")
    if text:
        highlighted = Text(text)
        for f in extraction.facts:
            if f.start is not None and f.end is not None:
                highlighted.stylize("bold underline", f.start, f.end)
        console.print(highlighted)
    if text:
        from tumorboard.text.abbreviations import glossary

        for abbr, meaning in glossary(text).items():
            console.print(f"{abbr}: {meaning}")
    for n in extraction.notes:
        console.print(f"note: {n}")
    return buf.getvalue()
