"""``tumorboard fhir``: read a FHIR R4 / mCODE bundle into a case."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

fhir_app = typer.Typer(help="FHIR R4 / mCODE STU4 import.", no_args_is_help=True)
app.add_typer(fhir_app, name="fhir")


class CaseFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    extraction = "extraction"


def load_bundle_case(text: str, reference_date: date | None = None):  # type: ignore[no-untyped-def]
    """Parse JSON text as a FHIR bundle and map it; a FhirError becomes a user error (exit code 2)."""
    from tumorboard.fhir import FhirError, read_bundle

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    try:
        return read_bundle(data, reference_date=reference_date)
    except FhirError as exc:
        raise UserError(f"invalid FHIR bundle: {exc}") from None


@fhir_app.command("to-case")
def to_case(
    source: Annotated[str, typer.Argument(help="FHIR Bundle (JSON), or - for stdin.")],
    fmt: Annotated[CaseFormat, typer.Option("--format", help="yaml, json, or extraction (case + provenance)")]
    = CaseFormat.yaml,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Reference date for ages (YYYY-MM-DD; default today)")]
    = None,
) -> None:
    """Print the case a FHIR bundle maps to. Unmapped codes and notes go to stderr."""
    from tumorboard.cli.io import read_text

    ref: date | None = None
    if as_of:
        try:
            ref = date.fromisoformat(as_of)
        except ValueError:
            raise UserError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    ex = load_bundle_case(read_text(source), ref)
    if fmt is CaseFormat.extraction:
        typer.echo(ex.model_dump_json(indent=2, exclude_none=True))
        return
    case = ex.case.model_dump(mode="json", exclude_none=True)
    if fmt is CaseFormat.json:
        typer.echo(json.dumps(case, indent=2))
    else:
        import yaml

        typer.echo(yaml.safe_dump(case, sort_keys=False, allow_unicode=True).rstrip())
    for item in ex.unmapped:
        codes = ", ".join(f"{c.get('system', '')}|{c.get('code')}" for c in item.get("codes", []))
        typer.echo(f"unmapped: {item['resource']} {item['element']}: {item['reason']} {codes}".rstrip(), err=True)
    for note in ex.notes:
        typer.echo(f"note: {note}", err=True)
