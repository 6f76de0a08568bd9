"""``tumorboard extract``: a clinical note, MRI report or question -> a case, with the text evidence for every fact."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

if TYPE_CHECKING:
    from tumorboard.model.provenance import Extraction


class ExtractFormat(StrEnum):
    json = "json"
    text = "text"


def extract_text(source: str) -> tuple[str, Extraction]:
    """Read a note (path or ``-``) and extract it; oversize input is refused with a message."""
    from tumorboard.cli.io import read_text
    from tumorboard.text import TextTooLarge, extract

    text = read_text(source)
    try:
        return text, extract(text)
    except TextTooLarge as exc:
        raise UserError(str(exc)) from None


@app.command("extract")
def extract_command(
    source: Annotated[str, typer.Argument(help="A text file (note, report, question), or - for stdin.")],
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="json or text")] = ExtractFormat.text,
) -> None:
    """Extract a case from clinical text; every fact shows the text span and rule that produced it."""
    text, extraction = extract_text(source)
    if fmt is ExtractFormat.json:
        data = extraction.model_dump(mode="json", exclude_none=True)
        out = {"case": data["case"], "facts": data.get("facts", []), "conflicts": data.get("conflicts", []),
               "notes": data.get("notes", []), "unmapped": data.get("unmapped", [])}
        typer.echo(json.dumps(out, indent=2))
        return
    from tumorboard.text import render_text

    typer.echo(extraction.case.model_dump_json(indent=2, exclude_none=True, exclude_defaults=True))
    typer.echo(render_text(extraction, text))
