"""``tumorboard users``: API keys for the HTTP API (hashed at rest; a key is shown once, when created)."""

from __future__ import annotations

from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

users_app = typer.Typer(help="API keys for the HTTP API.", no_args_is_help=True)
app.add_typer(users_app, name="users")

DbOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: TUMORBOARD_DATABASE_URL or the user store).")
]


@users_app.command("add-key")
def add_key(
    name: Annotated[str, typer.Argument(help="Who or what the key is for (e.g. a system's name).")],
    database: DbOption = None,
) -> None:
    """Create an API key and print it once. From then on every /v1 call needs a key (X-API-Key)."""
    from tumorboard.store import Store

    name = name.strip()
    if not name or len(name) > 128:
        raise UserError("the key name must be 1-128 characters")
    store = Store(database)
    key_id, key = store.add_api_key(name)
    typer.echo(key)
    typer.echo(f"key {key_id} for {name!r} created; it is shown only now. Send it as the X-API-Key header.", err=True)


@users_app.command("list")
def list_keys(database: DbOption = None) -> None:
    """List API keys (ids and names; the keys themselves are not stored)."""
    from tumorboard.store import Store

    rows = Store(database).list_api_keys()
    if not rows:
        typer.echo("no API keys: the server listens on 127.0.0.1 only and the API is open")
        return
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        typer.echo(f"{r['id']}  {r['name']}  created {r['created_at']}  {state}")


@users_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key's id (see `tumorboard users list`).")],
    database: DbOption = None,
) -> None:
    """Revoke an API key."""
    from tumorboard.store import Store

    if not Store(database).revoke_api_key(key_id):
        raise UserError(f"no active key with id {key_id!r}")
    typer.echo(f"key {key_id} revoked")
