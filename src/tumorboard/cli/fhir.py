"""``tumorboard fhir``: read a FHIR R4 / mCODE bundle into a case."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

if TYPE_CHECKING:
    from tumorboard.model.case import Case
    from tumorboard.model.provenance import Extraction
    from tumorboard.model.result import Result

fhir_app = typer.Typer(help="FHIR R4 / mCODE STU4 import.", no_args_is_help=True)
app.add_typer(fhir_app, name="fhir")


class CaseFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    extraction = "extraction"


def load_bundle_case(text: str, reference_date: date | None = None) -> Extraction:
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


def maybe_bundle(text: str) -> Extraction | None:
    """For ``tumorboard assess``: the extraction when the text is a FHIR Bundle (JSON), else None (a case)."""
    head = text.lstrip()[:4096]
    if not head.startswith("{") or '"Bundle"' not in head:
        return None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        return None
    return load_bundle_case(text)


def fhir_json(result: Result, case: Case, extraction: Extraction | None) -> str:
    """``tumorboard assess --format fhir``: the assessment as a FHIR R4 Bundle."""
    from tumorboard.fhir import result_to_fhir

    patient = None
    if extraction is not None:
        patient = next((f.resource for f in extraction.facts if (f.resource or "").startswith("Patient/")), None)
    return json.dumps(result_to_fhir(result, case, extraction=extraction, patient_ref=patient), indent=2)


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
