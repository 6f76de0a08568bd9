"""Command-line interface (Typer). Heavy libraries are imported inside commands so that start-up stays fast.

Each command group lives in its own module and registers on ``tumorboard.cli.app.app``; ``COMMAND_MODULES`` lists
them. ``main`` turns user errors into a one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

COMMAND_MODULES = (
    "scores",
    "assess",
    "kb",
    "serve",
    "users",
    "audit",
    "cohort",
    "fhir",
    "ask",
    "extract",
)
# Which module defines each top-level command, so that a command imports only its own module (start-up time).
# `tumorboard --help` and unknown commands import them all; a test keeps this map complete.
COMMANDS: dict[str, str] = {
    "scores": "scores", "score": "scores", "schema": "scores", "assess": "assess", "kb": "kb", "serve": "serve",
    "users": "users", "audit": "audit", "cohort": "cohort", "fhir": "fhir", "ask": "ask", "chat": "ask",
    "index": "ask", "extract": "extract",
}


def _command(argv: list[str]) -> str | None:
    """The top-level command named on the command line, if any."""
    return next((a for a in argv[1:] if not a.startswith("-")), None)


def main() -> None:
    # tumorboard uses no pydantic plugin; skipping their discovery (an entry-point scan of every installed package)
    # saves tens of milliseconds at start-up. Set PYDANTIC_DISABLE_PLUGINS yourself to choose otherwise.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from tumorboard.cli.app import app
    from tumorboard.cli.errors import UserError
    from tumorboard.model.parse import CaseError

    module = COMMANDS.get(_command(sys.argv) or "")
    for name in [module] if module else COMMAND_MODULES:
        import_module(f"tumorboard.cli.{name}")
    try:
        app()
    except CaseError as exc:
        print("error: invalid case", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err}", file=sys.stderr)
        sys.exit(2)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback at a user
        if os.environ.get("TUMORBOARD_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set TUMORBOARD_DEBUG=1 for details)", file=sys.stderr)
        sys.exit(1)
