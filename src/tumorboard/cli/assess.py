"""``tumorboard assess``: every applicable score and the ranked, explained, cited plan for a case."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from tumorboard.cli.app import app


class AssessFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    text = "text"
    fhir = "fhir"


class Audience(StrEnum):
    clinician = "clinician"
    patient = "patient"


@app.command("assess")
def assess_case(
    source: Annotated[str, typer.Argument(help="Case file (YAML or JSON) or FHIR Bundle (JSON), or - for stdin.")],
    fmt: Annotated[AssessFormat, typer.Option("--format", help="json, markdown, text or fhir")] = AssessFormat.text,
    audience: Annotated[
        Audience, typer.Option("--audience", help="clinician, or patient for the plain-language report")
    ] = Audience.clinician,
    no_missing: Annotated[
        bool, typer.Option("--no-missing", help="Skip the missing-input sensitivity analysis.")
    ] = False,
    from_text: Annotated[
        bool, typer.Option("--text", help="SOURCE is a clinical note: extract the case from it first.")
    ] = False,
) -> None:
    """Assess a case: scores, derived facts and the plan, with the reasons and sources of every option."""
    from tumorboard.cli.errors import UserError
    from tumorboard.cli.fhir import fhir_json, maybe_bundle
    from tumorboard.cli.io import read_text
    from tumorboard.engine import assess
    from tumorboard.knowledge.loader import KnowledgeError
    from tumorboard.model.parse import ParsedCase, parse_case

    if from_text:
        from tumorboard.cli.extract import extract_text

        _, note = extract_text(source)
        parsed = ParsedCase(note.case)
        extraction = None
    else:
        text = read_text(source)
        extraction = maybe_bundle(text)  # a JSON with resourceType Bundle goes through the FHIR reader
        parsed = ParsedCase(extraction.case) if extraction is not None else parse_case(text)
    try:
        result = assess(parsed.case, analyse_missing=not no_missing)
    except KnowledgeError as exc:
        raise UserError(f"the knowledge base is invalid; run `tumorboard kb check`\n{exc}") from None
    result.conversions = [c.describe() for c in parsed.conversions]
    if from_text:
        result.inputs_from_text = [
            f.model_dump(mode="json", exclude_none=True) for f in note.facts
        ]
    if fmt is AssessFormat.fhir:
        typer.echo(fhir_json(result, parsed.case, extraction))
        return
    if fmt is AssessFormat.json:
        typer.echo(result.model_dump_json(indent=2, exclude_none=True))
        return
    from tumorboard.render.report import markdown_report, text_report

    render = markdown_report if fmt is AssessFormat.markdown else text_report
    typer.echo(render(result, audience=audience.value), nl=False)
