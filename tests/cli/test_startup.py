"""What keeps `tumorboard score` quick to start (bench/cli_startup.py), checked without timing anything."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pydantic.plugin._schema_validator as schema_validator

from tumorboard.cli import _plugins_off

ROOT = Path(__file__).resolve().parents[2]


def test_pydantic_takes_only_get_plugins_from_its_loader() -> None:
    """`cli._skip_pydantic_plugins` stands in for `pydantic.plugin._loader` with `get_plugins` alone: a pydantic
    release that imports anything else from it must fail here, not at a user."""
    source = inspect.getsource(schema_validator)
    assert source.count("_loader") == 1
    assert "from ._loader import get_plugins\n" in source


def test_stand_in_answers_as_pydantic_does(monkeypatch) -> None:
    from pydantic.plugin import _loader  # the real loader, or the stand-in if a test ran main() in this process

    for value in ("__all__", "1", "true"):
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", value)
        assert tuple(_plugins_off()) == ()
    if isinstance(getattr(_loader, "__file__", None), str):  # the real module: the same answers
        for value in ("__all__", "1", "true"):
            monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", value)
            assert tuple(_loader.get_plugins()) == ()


def _modules_after(*args: str) -> set[str]:
    code = ("import sys\nfrom tumorboard.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env=env,
                          check=True)
    return set(done.stderr.split())


def test_score_imports_nothing_it_does_not_need() -> None:
    for fmt in ("text", "json"):
        modules = _modules_after("score", "sins", "--input", "examples/spine-rcc-t9.yaml", "--format", fmt)
        assert "tumorboard.model.case" in modules  # it did run
        unwanted = {"importlib.metadata", "rich", "tumorboard.model.plan", "tumorboard.engine",
                    "tumorboard.knowledge", "tumorboard.cli.assess"}
        if fmt == "text":
            unwanted.add("json")
        assert not unwanted & modules, (fmt, unwanted & modules)


def _collector_after(disabled_before: bool) -> str:
    code = ("import gc, sys\n" + ("gc.disable()\n" if disabled_before else "") +
            "from tumorboard.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "score", "sins", "--input", "examples/spine-rcc-t9.yaml"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert "SINS" in done.stdout
    return done.stderr.strip()


def test_collector_is_paused_for_start_up_only() -> None:
    """main() pauses the cyclic GC while it imports, freezes what start-up built, and turns the GC on again (unless
    the process had turned it off) before the command runs."""
    assert _collector_after(disabled_before=False) == "True True"
    assert _collector_after(disabled_before=True) == "False True"
