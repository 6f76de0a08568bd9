"""Command-line interface (Typer). Heavy libraries are imported inside commands so that start-up stays fast.

Each command group lives in its own module and registers on ``tumorboard.cli.app.app``; ``COMMAND_MODULES`` lists
them. ``main`` turns user errors into a one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from importlib import import_module
from types import ModuleType

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


_PLUGIN_LOADER = "pydantic.plugin._loader"
_PLUGINS_OFF = ("__all__", "1", "true")  # the values for which pydantic's loader returns no plugin


def _plugins_off() -> tuple[()]:
    """``get_plugins`` while PYDANTIC_DISABLE_PLUGINS disables every plugin (as pydantic's own loader answers);
    should the variable change, pydantic's loader takes over."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
        return ()
    sys.modules.pop(_PLUGIN_LOADER, None)
    real: ModuleType = import_module(_PLUGIN_LOADER)
    return real.get_plugins()  # type: ignore[no-any-return]


def _skip_pydantic_plugins() -> None:
    """tumorboard uses no pydantic plugin: skip their discovery (an entry-point scan of every installed package).

    Set PYDANTIC_DISABLE_PLUGINS yourself to choose otherwise. When every plugin is disabled, pydantic's loader
    module (``pydantic.plugin._loader``, whose import of ``importlib.metadata`` alone costs 10-15 ms of start-up)
    is replaced by one function that answers as it would; pydantic imports only ``get_plugins`` from it, which
    ``tests/cli/test_startup.py`` checks."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _PLUGINS_OFF and _PLUGIN_LOADER not in sys.modules:
        loader = ModuleType(_PLUGIN_LOADER, "pydantic's plugin loader while every plugin is disabled (tumorboard)")
        loader.get_plugins = _plugins_off  # type: ignore[attr-defined]
        sys.modules[_PLUGIN_LOADER] = loader


def main() -> None:
    _skip_pydantic_plugins()
    # Start-up (Typer, pydantic and the case model, the command's module) creates some 45,000 long-lived objects and
    # next to no garbage; the cyclic collector would walk them again and again (every 700 allocations, and once more
    # at exit). It is paused for these imports, what they built is frozen (gc.freeze: kept out of every later
    # collection, as the documentation advises for objects that live as long as the process), and it is on again
    # (unless it was off already) before any command runs. This saves about 30 ms of `tumorboard score` here.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from tumorboard.cli.app import app
        from tumorboard.cli.errors import UserError
        from tumorboard.model.parse import CaseError

        module = COMMANDS.get(_command(sys.argv) or "")
        for name in [module] if module else COMMAND_MODULES:
            import_module(f"tumorboard.cli.{name}")
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
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
