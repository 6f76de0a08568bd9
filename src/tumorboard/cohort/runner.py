"""Batch assessment: a local process pool or Ray Data, resumable through part files, one row per case.

Each finished batch is written as a part file (``OUT.parts/part-<first seq>.parquet``): the part files are the
checkpoint. A re-run skips the records already written, then merges the parts, ordered by input position, into
``OUT``; the same input gives the same output whatever the engine or the number of workers.

Scores only on a CSV/Parquet table can take the vectorised path (``vectorised=True``, ``cohort/vectorised.py``):
whole Arrow batches scored with polars expressions, same rows and values as the scalar path. The merge streams the
parts one at a time when their input ranges do not overlap (always, unless a resumed run changed the batch size), so
memory is bounded by the batch size.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tumorboard.cohort.rows import assess_record, decode, encode, output_schema
from tumorboard.cohort.sources import Record, iter_records


@dataclass
class RunSummary:
    total: int = 0
    assessed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0
    out: str = ""
    notes: list[str] = field(default_factory=list)


def _parts_dir(out: Path) -> Path:
    return out.with_name(out.name + ".parts")


def _done(parts: Path) -> set[int]:
    import pyarrow.parquet as pq

    done: set[int] = set()
    for part in sorted(parts.glob("part-*.parquet")):
        try:
            done.update(pq.read_table(part, columns=["seq"]).column("seq").to_pylist())
        except Exception:  # a part cut short by a crash is rewritten
            part.unlink()
    return done


def _write_part(parts: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not rows:
        return
    rows.sort(key=lambda r: r["seq"])
    table = pa.Table.from_pylist(rows, schema=output_schema())
    tmp = parts / f".part-{rows[0]['seq']:012d}.tmp"
    pq.write_table(table, tmp)
    tmp.rename(parts / f"part-{rows[0]['seq']:012d}.parquet")


def _write_part_table(parts: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    if not table.num_rows:
        return
    first = table.column("seq")[0].as_py()
    tmp = parts / f".part-{first:012d}.tmp"
    pq.write_table(table, tmp)
    tmp.rename(parts / f"part-{first:012d}.parquet")


def _seq_ranges(files: list[Path]) -> list[tuple[int, int]] | None:
    """(first, last) input position of each part from the Parquet statistics; None when they are not available."""
    import pyarrow.parquet as pq

    ranges = []
    for f in files:
        meta = pq.ParquetFile(f).metadata
        lo: int | None = None
        hi: int | None = None
        col = meta.schema.names.index("seq")
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(col).statistics
            if stats is None or not stats.has_min_max:
                return None
            lo = stats.min if lo is None else min(lo, stats.min)
            hi = stats.max if hi is None else max(hi, stats.max)
        if lo is not None and hi is not None:
            ranges.append((lo, hi))
    return ranges


def _merge(parts: Path, out: Path) -> None:
    import pyarrow.parquet as pq

    files = sorted(parts.glob("part-*.parquet"))
    schema = output_schema()
    tmp = out.with_name(out.name + ".tmp")
    ranges = _seq_ranges(files) if files else None
    nonempty = [f for f in files if pq.ParquetFile(f).metadata.num_rows]
    if ranges is not None and len(ranges) == len(nonempty) and all(
            a[1] < b[0] for a, b in zip(sorted(ranges), sorted(ranges)[1:], strict=False)):
        # disjoint input ranges: stream the parts in order, one at a time (each part is sorted by seq)
        order = sorted(zip(ranges, nonempty, strict=True))
        with pq.ParquetWriter(tmp, schema) as writer:
            for _, f in order:
                writer.write_table(pq.read_table(f).cast(schema))
        tmp.replace(out)
        return
    with pq.ParquetWriter(tmp, schema) as writer:
        tables = [pq.read_table(f) for f in files]
        # parts may come from batches of different sizes; order globally by input position
        import pyarrow as pa

        if tables:
            whole = pa.concat_tables(tables).sort_by("seq")
            writer.write_table(whole)
    tmp.replace(out)


def _local_batches(batches: Iterator[list[Record]], workers: int, plan: bool) -> Iterator[list[dict[str, Any]]]:
    if workers <= 1:
        for batch in batches:
            yield [assess_record(r, plan=plan) for r in batch]
        return
    from functools import partial

    fn = partial(assess_record, plan=plan)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch in batches:
            yield list(pool.map(fn, batch, chunksize=max(1, len(batch) // (workers * 4))))


class _RayAssessor:
    """Callable class for Ray Data: the knowledge base loads once per actor."""

    def __init__(self, plan: bool) -> None:
        self.plan = plan
        from tumorboard.scores import compute_all  # noqa: F401  (warm imports once per actor)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = [assess_record(decode(row), plan=self.plan) for row in batch.to_pylist()]
        return pa.Table.from_pylist(rows, schema=output_schema())


def _ray_batches(batches: Iterator[list[Record]], workers: int, plan: bool,
                 address: str | None) -> Iterator[Any]:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else max(1, workers), include_dashboard=False,
                 log_to_driver=False, ignore_reinit_error=True)
    # One dataset (hence one actor pool, started once) per window of RAY_WINDOW batches, not per batch: actor
    # start-up per batch made Ray ~70% slower than the local pool on one machine (docs/benchmarks.md, Cohorts).
    window: list[list[Record]] = []
    for batch in batches:
        window.append(batch)
        if len(window) >= RAY_WINDOW:
            yield from _ray_window(window, workers, plan)
            window = []
    if window:
        yield from _ray_window(window, workers, plan)


RAY_WINDOW = 16  # batches per Ray dataset: memory is bounded by RAY_WINDOW x batch size


def _ray_window(window: list[list[Record]], workers: int, plan: bool) -> Iterator[Any]:
    """Arrow tables of assessed rows, streamed as the actors finish them (one part file each)."""
    import ray

    size = max(len(b) for b in window)
    ds = ray.data.from_items([encode(r) for b in window for r in b])
    out = ds.map_batches(_RayAssessor, fn_constructor_kwargs={"plan": plan}, concurrency=max(1, workers),
                         num_cpus=0.5, batch_size=max(1, size // max(1, workers)), batch_format="pyarrow")
    schema = output_schema()
    table: Any
    for table in out.iter_batches(batch_size=None, batch_format="pyarrow"):
        yield table.select(schema.names).cast(schema).sort_by("seq")


def run(
    source: str | Path,
    out: str | Path,
    *,
    engine: str = "local",
    workers: int = 1,
    batch_size: int = 500,
    plan: bool = True,
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    vectorised: bool = False,
) -> RunSummary:
    """Assess every record of ``source`` into the Parquet file ``out``; resumable and idempotent.

    ``vectorised``: scores only (``plan=False``) on a CSV/Parquet table are computed over whole batches with polars
    (``cohort/vectorised.py``; identical rows); other inputs, plans and the Ray engine ignore it."""
    import time

    out = Path(out)
    parts = _parts_dir(out)
    parts.mkdir(parents=True, exist_ok=True)
    done = _done(parts)
    summary = RunSummary(out=str(out), skipped=len(done))

    def pending() -> Iterator[list[Record]]:
        for batch in iter_records(source, batch_size):
            summary.total += len(batch)
            todo = [r for r in batch if r.seq not in done]
            if todo:
                yield todo

    start = time.perf_counter()
    from tumorboard.cohort import vectorised as vec

    if vectorised and not plan and engine == "local" and vec.is_table(source):
        _run_vectorised(source, parts, done, batch_size, summary, progress)
        summary.seconds = time.perf_counter() - start
        _merge(parts, out)
        shutil.rmtree(parts)
        if summary.skipped:
            summary.notes.append(f"resumed: {summary.skipped} records were already done")
        summary.notes.append("scores computed by the vectorised path (polars)")
        return summary
    if engine == "ray":
        stream = _ray_batches(pending(), workers, plan, address)
    elif engine == "local":
        stream = _local_batches(pending(), workers, plan)
    else:
        raise ValueError(f"engine {engine!r} is not one of local, ray")
    for rows in stream:
        if isinstance(rows, list):
            _write_part(parts, rows)
            summary.assessed += len(rows)
            summary.errors += sum(1 for r in rows if r["error"])
        else:  # an Arrow table in the output schema (Ray)
            _write_part_table(parts, rows)
            summary.assessed += rows.num_rows
            summary.errors += rows.num_rows - rows.column("error").null_count
        if progress:
            progress(summary.assessed + summary.skipped, summary.total)
    summary.seconds = time.perf_counter() - start
    _merge(parts, out)
    shutil.rmtree(parts)
    if summary.skipped:
        summary.notes.append(f"resumed: {summary.skipped} records were already done")
    return summary


def _run_vectorised(source: str | Path, parts: Path, done: set[int], batch_size: int, summary: RunSummary,
                    progress: Callable[[int, int], None] | None) -> None:
    from tumorboard.cohort.vectorised import assess_table, iter_tables

    seq = 0
    stats: dict[str, int] = {}
    for batch in iter_tables(source, batch_size):
        n = batch.num_rows
        summary.total += n
        if not all(s in done for s in range(seq, seq + n)):
            table = assess_table(batch, seq, skip=done.__contains__ if done else None, stats=stats)
            _write_part_table(parts, table)
            summary.assessed += table.num_rows
            summary.errors += table.num_rows - table.column("error").null_count
        seq += n
        if progress:
            progress(summary.assessed + summary.skipped, summary.total)
    if stats.get("scalar"):
        summary.notes.append(f"{stats['scalar']} rows were assessed by the scalar path (values the vectorised path "
                             "does not take unchanged, or bad rows)")
