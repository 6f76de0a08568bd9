"""Benchmark: `tumorboard score sins --input examples/spine-rcc-t9.yaml` as a whole process, against the floor of the
libraries it stands on (`python -c "import typer, pydantic, yaml"`), median of N runs each, interleaved.

Targets: under 0.3 s, and within 2x of the floor. Run: .venv/bin/python bench/cli_startup.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from tumorboard.cli import main; main()", "score", "sins", "--input",
       "examples/spine-rcc-t9.yaml"]
FLOOR = [sys.executable, "-c", "import typer, pydantic, yaml"]
# For information, not a target: `import pydantic` is lazy, so the floor above holds none of pydantic's model
# machinery (BaseModel, Field, validator construction with its plugin look-up), which any validated case needs.
MODELS = [sys.executable, "-c", "import typer, yaml; from pydantic import BaseModel, Field, TypeAdapter; "
          "TypeAdapter(int)"]


def once(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter_ns()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return (time.perf_counter_ns() - t0) / 1e9


def main(runs: int = 15) -> int:
    # Warm-up: the file cache, and the bytecode of what each command imports. The floor's libraries have theirs
    # (pip compiles them at install); under PYTHONDONTWRITEBYTECODE=1 tumorboard's own modules would otherwise be
    # compiled from source in every timed run after any edit (about 0.2x of the floor here), so the warm-up runs
    # once with Python's default of writing bytecode. The timed runs use the environment as given.
    default = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cmd in (CLI, FLOOR, MODELS):
        once(cmd, env=default)
    cli, floor, models = [], [], []
    for _ in range(runs):
        cli.append(once(CLI))
        floor.append(once(FLOOR))
        models.append(once(MODELS))
    c, f = statistics.median(cli), statistics.median(floor)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"score sins (whole process): median {c * 1000:.0f} ms over {runs} runs")
    print(f"floor (import typer, pydantic, yaml): median {f * 1000:.0f} ms")
    m = statistics.median(models)
    print(f"for information, typer + yaml + pydantic's model machinery: median {m * 1000:.0f} ms")
    print(f"ratio {c / f:.2f}x (target <= 2x); absolute target < 300 ms: {'ok' if c < 0.3 else 'OVER'}; "
          f"load average {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
