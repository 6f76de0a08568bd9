"""``tumorboard audit``: check the hash-chained audit trail; re-run stored assessments."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

audit_app = typer.Typer(help="The audit trail of the store.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

DbOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: TUMORBOARD_DATABASE_URL or the user store).")
]


@audit_app.command("verify")
def verify(database: DbOption = None) -> None:
    """Check every link of the audit chain and the stored documents; report the first broken link (exit 1)."""
    from tumorboard.store import Store

    report = Store(database).verify_audit()
    typer.echo(report.describe())
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def log(
    after: Annotated[int, typer.Option(help="Show events after this sequence number.")] = 0,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    database: DbOption = None,
) -> None:
    """Print audit events as JSON lines (ids and hashes only; no patient data is ever logged)."""
    from tumorboard.store import Store

    for row in Store(database).audit_events(after=after, limit=limit):
        typer.echo(json.dumps(row, sort_keys=True))


@audit_app.command("rerun")
def rerun(
    assessment_id: Annotated[str, typer.Argument(help="The stored assessment's id.")],
    database: DbOption = None,
) -> None:
    """Re-run a stored assessment and compare it with the stored result (exit 1 when it differs)."""
    from tumorboard.api.services import Services, rerun_assessment
    from tumorboard.store import Store

    services = Services(Store(database))
    outcome = rerun_assessment(services, assessment_id)
    if outcome is None:
        raise UserError(f"no stored assessment {assessment_id!r}")
    typer.echo(outcome.describe())
    if not outcome.identical:
        raise typer.Exit(1)
