"""Text tables of score results (Rich), for the command line."""

from __future__ import annotations

import io
from typing import Any

from tumorboard.model.result import ScoreResult


def _render(*renderables: Any) -> str:
    from rich.console import Console

    console = Console(width=110, record=True, file=io.StringIO(), color_system=None)
    for r in renderables:
        console.print(r)
    return console.export_text().rstrip() + "\n"


def _range(r: ScoreResult) -> str:
    if r.value is not None:
        return str(r.value)
    if r.min is not None and r.max is not None:
        return f"unknown ({r.min}-{r.max})"
    return "unknown"


def score_detail(result: ScoreResult) -> str:
    """One score with its items, points, band and what is missing; per-lesion results follow."""
    from rich.table import Table

    parts: list[Any] = []
    results = [result] if not result.by_lesion else list(result.by_lesion.values())
    for r in results:
        where = f" - lesion {r.lesion}" + (f", level {r.level}" if r.level else "") if r.lesion else ""
        table = Table(title=f"{r.name}{where}", title_justify="left", show_lines=False)
        table.add_column("item")
        table.add_column("input")
        table.add_column("category")
        table.add_column("points", justify="right")
        for key, item in r.inputs.items():
            pts = (
                str(item.points) if item.points is not None
                else ("?" if not item.possible else "? (" + "/".join(f"{p:g}" for p in item.possible) + ")")
            )
            value = "missing" if item.value is None else str(item.value)
            table.add_row(key, f"{value}" + (f" [{item.field}]" if item.field else ""), item.category or "", pts)
        parts.append(table)
        lines = [f"value: {_range(r)}   band: {r.band or 'undetermined (' + ' / '.join(r.possible_bands) + ')'}"]
        if r.missing:
            lines.append("missing: " + ", ".join(r.missing))
        lines.append(r.interpretation)
        lines.extend(f"note: {n}" for n in r.notes)
        parts.append("\n".join(lines) + "\n")
    if result.references:
        parts.append("references: " + ", ".join(result.references))
    return _render(*parts)


def scores_summary(results: dict[str, ScoreResult]) -> str:
    """All scores of a case in one table."""
    from rich.table import Table

    table = Table(title="Scores", title_justify="left")
    for col in ("score", "lesion", "value", "band", "missing", "meaning"):
        table.add_column(col, overflow="fold")
    for r in results.values():
        band = r.band or "undetermined: " + " / ".join(r.possible_bands)
        table.add_row(r.name, r.lesion or "", _range(r), band, ", ".join(r.missing), r.interpretation)
    return _render(table)


def registry_table(rows: list[dict[str, Any]]) -> str:
    from rich.table import Table

    table = Table(title="Scoring systems", title_justify="left")
    for col in ("key", "name", "level", "references"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(row["key"], row["name"], row["level"], ", ".join(row["references"]))
    return _render(table)
