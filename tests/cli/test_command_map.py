"""Every command the CLI offers is in the command -> module map that keeps start-up lazy, and maps to its module."""

from __future__ import annotations

from importlib import import_module

from tumorboard.cli import COMMAND_MODULES, COMMANDS, _command


def test_command_map_is_complete() -> None:
    from tumorboard.cli.app import app

    for name in COMMAND_MODULES:
        import_module(f"tumorboard.cli.{name}")
    commands = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert commands == set(COMMANDS)
    for command, module in COMMANDS.items():
        assert module in COMMAND_MODULES, command


def test_command_is_first_non_option() -> None:
    assert _command(["tumorboard", "score", "sins"]) == "score"
    assert _command(["tumorboard", "--help"]) is None
