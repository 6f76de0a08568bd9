"""``tumorboard serve``: the web application and the HTTP API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (only 127.0.0.1 while no API key exists).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", help="Database URL (default: TUMORBOARD_DATABASE_URL or SQLite in the user data directory).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the web pages and the /v1 API. Heavy models load in the background; /healthz answers at once."""
    if not 0 < port < 65536:
        raise UserError(f"port {port} is out of range")
    if log_level.lower() not in ("debug", "info", "warning", "error"):
        raise UserError(f"log level {log_level!r} is not one of debug, info, warning, error")
    import logging

    import uvicorn

    from tumorboard.api import create_app
    from tumorboard.api.logs import configure
    from tumorboard.store import Store, redact

    config = configure(log_level)
    log = logging.getLogger("tumorboard.serve")
    store = Store(database)
    if not store.has_api_keys():
        if host not in LOOPBACK:
            typer.echo(f"no API key exists: refusing to listen on {host}; listening on 127.0.0.1 only "
                       "(create a key with `tumorboard users add-key NAME` to serve other hosts)", err=True)
        host = "127.0.0.1"
        typer.echo("the API is OPEN (no API keys): anyone on this machine can use it", err=True)
        mode = "open"
    else:
        typer.echo("API keys exist: every /v1 call needs X-API-Key", err=True)
        mode = "keys"
    typer.echo(f"tumorboard on http://{host}:{port}/  (API /v1, schema /openapi.json, "
               f"database {redact(store.url)})", err=True)
    log.info("starting", extra={"event": "start", "host": host, "port": port, "auth": mode,
                                "database": store.dialect})
    uvicorn.run(create_app(store), host=host, port=port, log_config=config, access_log=False,
                server_header=False, timeout_graceful_shutdown=5)
