"""The Typer application and its command groups. Command modules register themselves on these objects."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tumorboard",
    help="Transparent tumour-board decision support for metastatic bone disease and soft-tissue sarcoma.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
schema_app = typer.Typer(help="Print JSON Schemas of the formats.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
