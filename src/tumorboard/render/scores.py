"""Text tables of score results (Rich), for the command line."""

from __future__ import annotations

import io
import re
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
    plain = _plain_detail(result)
    if plain is not None:  # the same text as Rich renders, without importing Rich (``tumorboard score`` start-up)
        return plain
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


# Rich's console markup and emoji codes: text that could contain either is left to Rich.
_EMOJI = re.compile(r":\S*?:")
_WIDTH = 110  # the console width of ``_render``
# Rich's default table box (HEAVY_HEAD): top, header, header separator, rows, bottom.
_BOX: dict[str, tuple[str, ...]] = {
    "top": tuple("┏━┳┓"), "head": tuple("┃┃┃"), "sep": tuple("┡━╇┩"), "row": tuple("│││"), "bottom": tuple("└─┴┘"),
}


def _plain(text: str) -> bool:
    """Whether Rich prints ``text`` unchanged: printable ASCII without markup, escapes or emoji codes."""
    return (text.isascii() and text.isprintable() and "[" not in text and "]" not in text and "\\" not in text
            and not _EMOJI.search(text))


def _plain_detail(result: ScoreResult) -> str | None:
    """``score_detail`` as Rich prints it, for the simple case: plain text, one line per row, nothing wider than
    the console. None otherwise (the caller then uses Rich). The `` [field]`` after an input is markup to Rich (a
    style tag), which prints nothing for it; so nothing is printed here either."""
    out: list[str] = []
    results = [result] if not result.by_lesion else list(result.by_lesion.values())
    for r in results:
        where = f" - lesion {r.lesion}" + (f", level {r.level}" if r.level else "") if r.lesion else ""
        rows = [["item", "input", "category", "points"]]
        for key, item in r.inputs.items():
            pts = (
                str(item.points) if item.points is not None
                else ("?" if not item.possible else "? (" + "/".join(f"{p:g}" for p in item.possible) + ")")
            )
            value = "missing" if item.value is None else str(item.value)
            if item.field is not None:
                if not (_plain(item.field) and item.field[:1].islower()):
                    return None
                value += " "
            rows.append([key, value, item.category or "", pts])
        lines = [f"value: {_range(r)}   band: {r.band or 'undetermined (' + ' / '.join(r.possible_bands) + ')'}"]
        if r.missing:
            lines.append("missing: " + ", ".join(r.missing))
        lines.append(r.interpretation)
        lines.extend(f"note: {n}" for n in r.notes)
        table = _plain_table(f"{r.name}{where}", rows)
        if table is None or not all(_plain(line) and len(line) < _WIDTH for line in lines):
            return None
        out += [*table, *lines, ""]
    if result.references:
        refs = "references: " + ", ".join(result.references)
        if not (_plain(refs) and len(refs) < _WIDTH):
            return None
        out.append(refs)
    return "\n".join(out).rstrip() + "\n"


def _plain_table(title: str, rows: list[list[str]]) -> list[str] | None:
    """A Rich ``Table`` (default box, last column right-justified) with a left-justified title, or None."""
    if len(rows) < 2 or not all(_plain(cell) for row in rows for cell in row):
        return None
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    total = sum(widths) + 3 * len(widths) + 1
    if total >= _WIDTH or not _plain(title) or len(title) >= total:
        return None

    def rule(kind: str) -> str:
        left, line, cross, right = _BOX[kind]
        return left + cross.join(line * (w + 2) for w in widths) + right

    def line(kind: str, row: list[str]) -> str:
        left, mid, right = _BOX[kind]
        cells = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)] + [row[-1].rjust(widths[-1])]
        return left + " " + f" {mid} ".join(cells) + " " + right

    return [title.ljust(total), rule("top"), line("head", rows[0]), rule("sep"),
            *(line("row", row) for row in rows[1:]), rule("bottom")]


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
