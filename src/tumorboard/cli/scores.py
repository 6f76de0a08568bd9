"""``tumorboard scores``, ``tumorboard score`` and ``tumorboard schema``.

No ``from __future__ import annotations``: Typer reads the parameters' annotations, and evaluating them from strings
at every start-up is slower than having the objects.
"""

from enum import StrEnum
from typing import Annotated

import typer

from tumorboard.cli.app import app, schema_app
from tumorboard.cli.errors import UserError


class ScoreFormat(StrEnum):
    json = "json"
    text = "text"


@app.command("scores")
def list_scores(
    fmt: Annotated[ScoreFormat, typer.Option("--format", help="json or text")] = ScoreFormat.text,
) -> None:
    """List the scoring systems with their references."""
    from tumorboard.scores import REGISTRY

    rows = [
        {"key": s.key, "name": s.name, "level": s.level, "summary": s.summary, "references": list(s.references)}
        for s in REGISTRY.values()
    ]
    if fmt is ScoreFormat.json:
        import json

        typer.echo(json.dumps(rows, indent=2))
        return
    from tumorboard.render.scores import registry_table

    typer.echo(registry_table(rows))


@app.command("score")
def score_one(
    name: Annotated[str, typer.Argument(help="Score key, e.g. sins (see `tumorboard scores`).")],
    input: Annotated[str, typer.Option("--input", "-i", help="Case file (YAML or JSON), or - for stdin.")],
    lesion: Annotated[str | None, typer.Option("--lesion", help="Lesion id, for lesion-level scores.")] = None,
    fmt: Annotated[ScoreFormat, typer.Option("--format", help="json or text")] = ScoreFormat.text,
) -> None:
    """Compute one score for a case."""
    from tumorboard.cli.io import read_text
    from tumorboard.model.parse import parse_case
    from tumorboard.scores import REGISTRY, compute

    if name not in REGISTRY:
        raise UserError(f"unknown score {name!r}; one of {', '.join(REGISTRY)}")
    case = parse_case(read_text(input)).case
    try:
        result = compute(name, case, lesion)
    except KeyError:
        ids = [case.lesion_key(i) for i in range(len(case.lesions))]
        raise UserError(f"{name} has no result for lesion {lesion!r}; lesions: {', '.join(ids) or 'none'}") from None
    if result is None:
        raise UserError(f"{name} does not apply to this case (no suitable lesion or input)")
    if fmt is ScoreFormat.json:
        typer.echo(result.model_dump_json(indent=2, exclude_none=True))
        return
    from tumorboard.render.scores import score_detail

    typer.echo(score_detail(result))


@schema_app.command("case")
def schema_case() -> None:
    """The JSON Schema of the case format."""
    import json

    from tumorboard.model.case import Case

    typer.echo(json.dumps(Case.model_json_schema(), indent=2))


@schema_app.command("result")
def schema_result() -> None:
    """The JSON Schema of the result format."""
    import json

    from tumorboard.model.result import Result

    typer.echo(json.dumps(Result.model_json_schema(), indent=2))
