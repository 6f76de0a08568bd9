"""Benchmark: every applicable score for one case, in process (target: median under 200 us per case).

Run: .venv/bin/python bench/scores.py [runs]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("spine-rcc-t9.yaml", "femur-breast.yaml", "sacrum-sts.yaml")
TARGET_US = 200.0


def main(runs: int = 2000) -> int:
    from tumorboard.model.parse import parse_case
    from tumorboard.scores import compute_all

    worst = 0.0
    for name in EXAMPLES:
        case = parse_case((ROOT / "examples" / name).read_text()).case
        for _ in range(50):  # warm-up: module imports and caches
            compute_all(case)
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            compute_all(case)
            samples.append(time.perf_counter_ns() - t0)
        median_us = statistics.median(samples) / 1000
        p95_us = statistics.quantiles(samples, n=20)[18] / 1000
        worst = max(worst, median_us)
        n_scores = len(compute_all(case))
        print(f"{name:22s} {n_scores:2d} scores  median {median_us:7.1f} us  p95 {p95_us:7.1f} us  "
              f"min {min(samples) / 1000:7.1f} us")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"worst median {worst:.1f} us (target < {TARGET_US:.0f} us): {'ok' if worst < TARGET_US else 'OVER'}; "
          f"load average {load:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
