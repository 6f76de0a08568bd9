"""Benchmark: cohorts (issue 9). Targets: (a) scores only, 1,000,000 synthetic cases from Parquet, vectorised path,
< 60 s on the 2-core project machine; (b) full plans without the missing-input analysis, local engine, >= 300
cases/s per core (with a cProfile summary of where the time goes); (c) Ray on one machine within 25% of the local
engine on 100,000 cases (scores only, scalar path on both sides), Ray start-up reported separately; (d) peak RSS of
(a) for several batch sizes and input sizes (memory bounded by the batch size, not the input size).

Each measured run is a fresh subprocess (so that its peak RSS is its own). Prints the figures; with ``--write`` puts
them between ``<!-- cohort:bench -->`` markers in the Cohorts section of docs/benchmarks.md (the summary table and
notes above them are written by hand from these figures). ``--only a,b`` runs some parts.

Run: .venv/bin/python bench/cohort.py [--write] [--only a,b,c] [--tmp DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Cohorts"

CHILD = r"""
import json, resource, sys, time
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
from tumorboard.cohort import runner
startup = 0.0
if args.get("engine") == "ray":
    import os
    os.environ.setdefault("RAY_DISABLE_USAGE_STATS", "1")
    import ray
    s = time.perf_counter()
    ray.init(num_cpus=args["workers"], include_dashboard=False, log_to_driver=False)
    startup = time.perf_counter() - s
imported = time.perf_counter() - t0
s = time.perf_counter()
summary = runner.run(args["src"], args["out"], engine=args.get("engine", "local"), workers=args.get("workers", 1),
                     batch_size=args["batch"], plan=args.get("plan", False), vectorised=args.get("vectorised", False))
wall = time.perf_counter() - s
# VmHWM (peak RSS of this process image); ru_maxrss would carry the parent's peak across fork+exec on Linux
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wall": wall, "run_seconds": summary.seconds, "total": summary.total, "errors": summary.errors,
                  "startup": startup, "import": imported, "peak_rss_mb": rss, "children_peak_rss_mb": kids,
                  "notes": summary.notes}))
"""


def child(**args: object) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "RAY_DISABLE_USAGE_STATS": "1"})
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def synth_file(n: int, path: Path) -> Path:
    from tumorboard.cohort import synth

    if not path.exists():
        t = time.perf_counter()
        synth.write(n, path, seed=7)
        print(f"  wrote {n:,} synthetic cases in {time.perf_counter() - t:.1f} s ({path.stat().st_size >> 20} MiB)",
              flush=True)
    return path


def part_a_d(tmp: Path) -> list[str]:
    big = synth_file(1_000_000, tmp / "synth-1m.parquet")
    small = synth_file(200_000, tmp / "synth-200k.parquet")
    rows = []
    res_a = None
    for src, n, batch in ((big, 1_000_000, 50_000), (big, 1_000_000, 10_000), (big, 1_000_000, 200_000),
                          (small, 200_000, 50_000)):
        print(f"  (a/d) {n:,} cases, batch {batch:,}, load {load()}", flush=True)
        r = child(src=str(src), out=str(tmp / f"scores-{n}-{batch}.parquet"), batch=batch, vectorised=True)
        print(f"    {r}", flush=True)
        if n == 1_000_000 and batch == 50_000:
            res_a = r
        rate = n / float(r["wall"])  # type: ignore[arg-type]
        rows.append(f"| {n:,} | {batch:,} | {float(r['wall']):.1f} s ({rate:,.0f} cases/s) | "  # type: ignore[arg-type]
                    f"{float(r['peak_rss_mb']):,.0f} MiB |")  # type: ignore[arg-type]
    assert res_a is not None
    wall = float(res_a["wall"])  # type: ignore[arg-type]
    verdict = "met" if wall < 60 else "**not met**"
    return [
        f"(a) Scores only (all 14 scores, `missing`), 1,000,000 synthetic cases from Parquet, vectorised path "
        f"(`runner.run(..., plan=False, vectorised=True)`, what `tumorboard cohort assess --scores-only` runs), batch "
        f"50,000, fresh process, read + score + write parts + merge: **{wall:.1f} s** "
        f"({1_000_000 / wall:,.0f} cases/s); target < 60 s: {verdict}. Errors: {res_a['errors']}; "
        f"{'; '.join(str(n) for n in res_a['notes'])}.",  # type: ignore[attr-defined]
        "",
        "(d) Peak RSS of the same run (fresh process, `VmHWM`, includes Python, polars, pyarrow and the "
        "score modules), by batch size and input size:",
        "",
        "| Input cases | Batch | Wall | Peak RSS |",
        "|---|---|---|---|",
        *rows,
    ]


def part_b(tmp: Path) -> list[str]:
    import cProfile
    import pstats

    src = synth_file(5_000, tmp / "synth-5k.parquet")
    out = []
    rates = {}
    for workers in (1, 2):
        print(f"  (b) full plans, 5,000 cases, {workers} worker(s), load {load()}", flush=True)
        r = child(src=str(src), out=str(tmp / f"plans-{workers}.parquet"), batch=500, plan=True, workers=workers)
        print(f"    {r}", flush=True)
        rates[workers] = 5000 / float(r["wall"])  # type: ignore[arg-type]
    per_core = rates[1]
    verdict = "met" if per_core >= 300 else "**not met**"
    out.append(f"(b) Full plans without the missing-input analysis (`assess(case, analyse_missing=False)` through "
               f"`rows.assess_record`), local engine, 5,000 synthetic cases, batch 500: 1 worker "
               f"**{rates[1]:,.0f} cases/s per core**; 2 workers {rates[2]:,.0f} cases/s in all "
               f"({rates[2] / 2:,.0f}/s per core). Target >= 300 cases/s per core: {verdict}.")
    # where the time goes: cProfile of 500 cases in process (after a warm-up case)
    import pyarrow.parquet as pq

    from tumorboard.cohort.columns import unflatten
    from tumorboard.cohort.rows import assess_record
    from tumorboard.cohort.sources import Record

    rows = pq.read_table(src).slice(0, 501).to_pylist()
    recs = [Record(i, str(r["id"]), unflatten(r)) for i, r in enumerate(rows)]
    assess_record(recs[0])
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for rec in recs[1:]:
        assess_record(rec)
    prof.disable()
    elapsed = time.perf_counter() - t
    stats = pstats.Stats(prof)
    total = sum(v[3] for v in stats.stats.values() if v)  # type: ignore[attr-defined]
    total = max(total, 1e-9)

    def cum(pattern: str) -> float:
        best = 0.0
        for (file, _line, fn), v in stats.stats.items():  # type: ignore[attr-defined]
            if re.search(pattern, f"{file}:{fn}"):
                best = max(best, v[3])
        return best

    probes = [
        ("`engine.assess` (whole call)", r"tumorboard/engine/.*:assess$"),
        ("case parsing (`parse_case_data`, pydantic)", r"model/parse.py:parse_case_data$"),
        ("scores (`compute_all`)", r"scores/__init__.py:compute_all$"),
    ]
    out += ["", f"Where the time goes (cProfile, 500 cases in process, {elapsed / 500 * 1000:.2f} ms per case under "
            "the profiler; cumulative share of the profiled time):", ""]
    for label, pat in probes:
        out.append(f"- {label}: {cum(pat) / elapsed * 100:.0f}%")
    own = sorted(((v[2], f"{Path(k[0]).name}:{k[2]}") for k, v in stats.stats.items()),  # type: ignore[attr-defined]
                 reverse=True)[:8]
    out.append("- largest own times: " + ", ".join(f"{name} {t / elapsed * 100:.0f}%" for t, name in own))
    engine_files = sorted({(v[3], f"{Path(k[0]).parent.name}/{Path(k[0]).name}:{k[2]}")
                           for k, v in stats.stats.items()  # type: ignore[attr-defined]
                           if "tumorboard/engine/" in k[0] or "tumorboard/knowledge/" in k[0]}, reverse=True)[:8]
    out.append("- engine/knowledge functions by cumulative time: "
               + ", ".join(f"{name} {t / elapsed * 100:.0f}%" for t, name in engine_files))
    return out


def part_c(tmp: Path) -> list[str]:
    src = synth_file(100_000, tmp / "synth-100k.parquet")
    print(f"  (c) local, 2 workers, 100,000 cases, scores only (scalar), load {load()}", flush=True)
    local = child(src=str(src), out=str(tmp / "c-local.parquet"), batch=5_000, workers=2)
    print(f"    {local}", flush=True)
    print(f"  (c) ray, 2 actors x 0.5 CPU, ray.init(num_cpus=2), load {load()}", flush=True)
    ray = child(src=str(src), out=str(tmp / "c-ray.parquet"), batch=5_000, workers=2, engine="ray")
    print(f"    {ray}", flush=True)
    import polars as pl

    same = pl.read_parquet(tmp / "c-local.parquet").equals(pl.read_parquet(tmp / "c-ray.parquet"))
    lw, rw = float(local["wall"]), float(ray["wall"])  # type: ignore[arg-type]
    slower = (rw / lw - 1) * 100
    verdict = "met" if slower <= 25 else "**not met**"
    return [
        f"(c) Ray on one machine vs the local engine, 100,000 synthetic cases, **scores only through the scalar path** "
        f"on both sides (full plans at the rate of (b) would take minutes per engine), batch 5,000, 2 workers "
        f"(local: process pool of 2; Ray: `ray.init(num_cpus=2)`, `map_batches` with a callable class, "
        f"`concurrency=2`, `num_cpus=0.5` per actor): local **{lw:.1f} s** ({100_000 / lw:,.0f} cases/s), Ray "
        f"**{rw:.1f} s** ({100_000 / rw:,.0f} cases/s), start-up excluded: Ray {slower:+.0f}% vs local; target "
        f"within 25%: {verdict}. Ray start-up (`ray.init`) {float(ray['startup']):.1f} s, reported separately. "  # type: ignore[arg-type]
        f"Outputs identical: {same}.",
    ]


def write_section(lines: list[str]) -> None:
    """Replace the marked block of raw figures in the Cohorts section only (re-read right before writing)."""
    text = DOC.read_text()
    start, end = "<!-- cohort:bench -->", "<!-- /cohort:bench -->"
    block = f"{start}\n" + "\n".join(lines).strip() + f"\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        head = text.index(SECTION) + len(SECTION)
        nxt = text.find("\n## ", head)
        at = nxt if nxt >= 0 else len(text)
        intro = "Raw figures of the last `bench/cohort.py --write` run:"
        text = text[:at].rstrip("\n") + f"\n\n{intro}\n\n{block}\n" + text[at:]
    DOC.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--only", default="a,b,c")
    ap.add_argument("--tmp", default=None, help="keep the generated inputs here between runs")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    tmpdir = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    tmpdir.mkdir(parents=True, exist_ok=True)
    before = load()
    lines = [f"Measured {date.today().isoformat()} with `bench/cohort.py` on the project machine (2 vCPU, "
             f"{os.cpu_count()} CPUs seen, Python {sys.version.split()[0]}). Load average at the start: {before} on "
             "2 cores (other sessions were running: figures are pessimistic)."]
    if parts & {"a", "d"}:
        lines += ["", *part_a_d(tmpdir)]
    if "b" in parts:
        lines += ["", *part_b(tmpdir)]
    if "c" in parts:
        lines += ["", *part_c(tmpdir)]
    lines += ["", f"Load average at the end: {load()}."]
    print("\n".join(lines))
    if args.write:
        write_section(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
