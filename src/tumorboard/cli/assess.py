"""``tumorboard assess``: every applicable score and the plan for a case."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from tumorboard.cli.app import app


class AssessFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    text = "text"


@app.command("assess")
def assess_case(
    source: Annotated[str, typer.Argument(help="Case file (YAML or JSON), or - for stdin.")],
    fmt: Annotated[AssessFormat, typer.Option("--format", help="json, markdown or text")] = AssessFormat.text,
) -> None:
    """Assess a case: every applicable score, what they mean, and what is missing."""
    from tumorboard.cli.io import read_text
    from tumorboard.engine import assess
    from tumorboard.model.parse import parse_case

    parsed = parse_case(read_text(source))
    result = assess(parsed.case)
    result.conversions = [c.describe() for c in parsed.conversions]
    if fmt is AssessFormat.json:
        typer.echo(result.model_dump_json(indent=2, exclude_none=True))
        return
    from tumorboard.render.report import markdown_report, text_report

    typer.echo(markdown_report(result) if fmt is AssessFormat.markdown else text_report(result))
