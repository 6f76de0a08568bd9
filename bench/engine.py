"""Benchmark: knowledge-base load, `assess` in process (with and without the missing-input analysis) and the
whole-process CLI. Targets (issue 3): load < 300 ms; assess median < 2 ms without the analysis, < 30 ms with it;
`tumorboard assess examples/sacrum-sts.yaml` < 1 s. Prints the figures and writes them into the Engine section of
docs/benchmarks.md (``--no-write`` to only print).

Run: .venv/bin/python bench/engine.py [--no-write]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("spine-rcc-t9.yaml", "femur-breast.yaml", "sacrum-sts.yaml")


def _ms(samples: list[float]) -> tuple[float, float, float]:
    s = sorted(samples)
    return statistics.median(s) * 1000, s[0] * 1000, s[int(len(s) * 0.95) - 1] * 1000


def _load_times(cache: str) -> tuple[float, float, float]:
    """Fresh processes: compile without a cache, then load from the pickle (median of 5)."""
    code = ("import time; from tumorboard.knowledge import load; t=time.perf_counter(); load(); "
            "print(time.perf_counter()-t)")
    env = {**os.environ, "TUMORBOARD_CACHE_DIR": cache}
    cold = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout)
    warm = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        warm.append(float(out.stdout))
    import_only = subprocess.run(
        [sys.executable, "-c", "import time; t=time.perf_counter(); import tumorboard.knowledge; "
         "print(time.perf_counter()-t)"], env=env, capture_output=True, text=True, check=True)
    return cold * 1000, statistics.median(warm) * 1000, float(import_only.stdout) * 1000


def main(write: bool = True) -> int:
    from tumorboard.engine import assess
    from tumorboard.knowledge import load
    from tumorboard.model.parse import parse_case

    with tempfile.TemporaryDirectory() as cache:
        cold_ms, warm_ms, import_ms = _load_times(cache)
    kb = load()
    t0 = time.perf_counter()
    load(use_cache=False)
    compile_in_process_ms = (time.perf_counter() - t0) * 1000
    print(f"knowledge base {kb.version}: {len(kb.statements)} statements, {len(kb.references)} references")
    print(f"load(), fresh process after imports: compile (no cache) {cold_ms:.0f} ms; from the pickle "
          f"{warm_ms:.0f} ms; importing tumorboard.knowledge {import_ms:.0f} ms; "
          f"compile in process {compile_in_process_ms:.0f} ms")
    rows = []
    worst = {False: 0.0, True: 0.0}
    for name in EXAMPLES:
        case = parse_case((ROOT / "examples" / name).read_text()).case
        for analyse in (False, True):
            runs = 400 if not analyse else 60
            for _ in range(10):
                assess(case, kb=kb, analyse_missing=analyse)
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                assess(case, kb=kb, analyse_missing=analyse)
                samples.append(time.perf_counter() - t)
            med, low, p95 = _ms(samples)
            worst[analyse] = max(worst[analyse], med)
            label = "with" if analyse else "without"
            print(f"{name:22s} {label:7s} missing analysis: median {med:6.2f} ms  min {low:6.2f}  p95 {p95:6.2f}")
            rows.append((name, label, med, low, p95))
    cli = []
    for _ in range(7):
        t = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "tumorboard"), "assess", "examples/sacrum-sts.yaml"],
                       cwd=ROOT, capture_output=True, check=True)
        cli.append(time.perf_counter() - t)
    cli_med, cli_min, _ = _ms(cli)
    print(f"CLI `tumorboard assess examples/sacrum-sts.yaml`: median {cli_med:.0f} ms, min {cli_min:.0f} ms")
    load_avg = os.getloadavg()
    print(f"load average during the run: {load_avg[0]:.1f} {load_avg[1]:.1f} {load_avg[2]:.1f}")
    if write:
        from _docs import write_block

        def verdict(value: float, target: float) -> str:
            return "met" if value < target else "**not met**"

        lines = [
            f"Measured {date.today().isoformat()} with `bench/engine.py` on the project machine, knowledge base "
            f"`{kb.version}` ({len(kb.statements)} statements, {len(kb.references)} references). Load average during "
            f"the run: {load_avg[0]:.1f} / {load_avg[1]:.1f} / {load_avg[2]:.1f} on 2 cores (other sessions were "
            "running; medians are pessimistic, the minimum is closer to an idle machine).",
            "",
            "| Benchmark | Median | Min | p95 | Target |",
            "|---|---|---|---|---|",
            f"| Knowledge-base `load()` from the compiled cache, fresh process (after imports) | {warm_ms:.0f} ms "
            f"| | | < 300 ms: {verdict(warm_ms, 300)} |",
            f"| Importing `tumorboard.knowledge` (pydantic case and result models, fresh process) | {import_ms:.0f} ms "
            "| | | - |",
            f"| Compile and validate without the cache, fresh process (first run after an edit) | {cold_ms:.0f} ms | | "
            "| - |",
        ]
        for name, label, med, low, p95 in rows:
            target = 30.0 if label == "with" else 2.0
            lines.append(f"| `assess` {name}, {label} the missing-input analysis | {med:.2f} ms | {low:.2f} ms | "
                         f"{p95:.2f} ms | < {target:g} ms: {verdict(med, target)} |")
        lines.append(f"| `tumorboard assess examples/sacrum-sts.yaml`, whole process, 7 runs | {cli_med:.0f} ms | "
                     f"{cli_min:.0f} ms | | < 1 s: {verdict(cli_med, 1000)} |")
        write_block("perf", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(write="--no-write" not in sys.argv))
