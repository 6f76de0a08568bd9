"""Batch assessment: a local process pool or Ray Data, resumable through part files, one row per case.

Each finished batch is written as a part file (``OUT.parts/part-<first seq>.parquet``): the part files are the
checkpoint. A re-run skips the records already written, then merges the parts, ordered by input position, into
``OUT``; the same input gives the same output whatever the engine or the number of workers.
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


def _merge(parts: Path, out: Path) -> None:
    import pyarrow.parquet as pq

    files = sorted(parts.glob("part-*.parquet"))
    schema = output_schema()
    tmp = out.with_name(out.name + ".tmp")
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
                 address: str | None) -> Iterator[list[dict[str, Any]]]:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else max(1, workers), include_dashboard=False,
                 log_to_driver=False, ignore_reinit_error=True)
    for batch in batches:
        ds = ray.data.from_items([encode(r) for r in batch])
        out = ds.map_batches(_RayAssessor, fn_constructor_kwargs={"plan": plan}, concurrency=max(1, workers),
                             num_cpus=0.5, batch_size=max(1, len(batch) // max(1, workers)), batch_format="pyarrow")
        rows = out.take_all()
        yield [_clean(r) for r in rows]


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for k, v in row.items():
        clean[k] = v.item() if hasattr(v, "item") else v
    return clean


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
) -> RunSummary:
    """Assess every record of ``source`` into the Parquet file ``out``; resumable and idempotent."""
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
    if engine == "ray":
        stream = _ray_batches(pending(), workers, plan, address)
    elif engine == "local":
        stream = _local_batches(pending(), workers, plan)
    else:
        raise ValueError(f"engine {engine!r} is not one of local, ray")
    for rows in stream:
        _write_part(parts, rows)
        summary.assessed += len(rows)
        summary.errors += sum(1 for r in rows if r["error"])
        if progress:
            progress(summary.assessed + summary.skipped, summary.total)
    summary.seconds = time.perf_counter() - start
    _merge(parts, out)
    shutil.rmtree(parts)
    if summary.skipped:
        summary.notes.append(f"resumed: {summary.skipped} records were already done")
    return summary
