"""Text-extraction benchmark: field-level precision/recall/F1 (development and held-out sets), load time, latency.

Usage: python bench/extraction.py [--write docs/text-extraction.md] [--errors]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tests" / "text"
BEGIN = "<!-- bench:extraction:begin -->"
END = "<!-- bench:extraction:end -->"


def measure_load() -> tuple[float, float]:
    """Seconds to import tumorboard.text and build the pipeline in a fresh interpreter: (import medspaCy, total)."""
    code = (
        "import time; t=time.perf_counter(); import medspacy; a=time.perf_counter()-t; "
        "from tumorboard.text import get_pipeline; get_pipeline(); print(a, time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def latency_note() -> str:
    """A ~300-word note made of the development notes."""
    from tumorboard.text.evaluation import load_notes

    words = " ".join(n["text"] for n in load_notes(NOTES / "development")).split()
    return " ".join(words[:300])


def measure_latency(runs: int = 50) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds per extract() on the ~300-word note, after the pipeline is loaded."""
    from tumorboard.text import extract, get_pipeline

    get_pipeline()
    note = latency_note()
    extract(note)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        extract(note)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000, len(note.split())


def score_tables() -> tuple[str, dict[str, object]]:
    from tumorboard.text import extract
    from tumorboard.text.evaluation import CRITICAL, evaluate, load_notes

    scores = {}
    for name in ("development", "heldout"):
        notes = load_notes(NOTES / name)
        scores[name] = (len(notes), evaluate(notes, extract))
    lines = [
        "| set | notes | fields scored | precision | recall | micro-F1 | negated found as present |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    summary: dict[str, object] = {}
    for name, (n, sc) in scores.items():
        p, r, f, support = sc.prf()
        lines.append(f"| {name} | {n} | {support} | {p:.3f} | {r:.3f} | {f:.3f} | {len(sc.negated_present)} |")
        summary[name] = sc
    lines += [
        "",
        "Critical fields (a false positive there changes the plan):",
        "",
        "| set | field group | precision | recall | F1 | support |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, (_, sc) in scores.items():
        for group, rx in CRITICAL.items():
            keys = {k for k in sc.fields() if rx.search(k)}
            p, r, f, support = sc.prf(keys)
            lines.append(f"| {name} | {group} | {p:.3f} | {r:.3f} | {f:.3f} | {support} |")
    lines += [
        "",
        "Per field:",
        "",
        "| field | dev P | dev R | dev F1 | dev n | held-out P | held-out R | held-out F1 | held-out n |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    dev, held = scores["development"][1], scores["heldout"][1]
    for field in sorted(set(dev.fields()) | set(held.fields())):
        d, h = dev.prf({field}), held.prf({field})
        lines.append(
            f"| `{field}` | {d[0]:.2f} | {d[1]:.2f} | {d[2]:.2f} | {d[3]} | {h[0]:.2f} | {h[1]:.2f} | "
            f"{h[2]:.2f} | {h[3]} |"
        )
    return "\n".join(lines), summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", type=Path, help="replace the benchmark block of this markdown file")
    ap.add_argument("--errors", action="store_true", help="print the held-out and development errors")
    args = ap.parse_args()
    med_import, load = measure_load()
    tables, summary = score_tables()
    wall, cpu, words = measure_latency()
    perf = (
        f"| measure | value |\n|---|---:|\n| pipeline load in a fresh process (import medspaCy + build) | "
        f"{load:.2f} s (medspaCy import alone {med_import:.2f} s) |\n| median latency, {words}-word note, after "
        f"load (wall) | {wall:.1f} ms |\n| same, CPU time of the process | {cpu:.1f} ms |"
    )
    block = f"{BEGIN}\n{tables}\n\nPerformance (2-core machine, shared):\n\n{perf}\n{END}"
    print(block)
    if args.errors:
        for name, sc in summary.items():
            print(f"\n## {name} errors")
            print("\n".join(sc.errors))
            print("negated present:", sc.negated_present)
    if args.write:
        text = args.write.read_text() if args.write.exists() else ""
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
        else:
            text += f"\n## Benchmarks\n\n{block}\n"
        args.write.write_text(text)


if __name__ == "__main__":
    main()
