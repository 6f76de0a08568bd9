"""Stream cohort input as records, in batches: a directory or file of cases (YAML, JSON, JSONL), a CSV or Parquet
table with dotted columns, or FHIR NDJSON bundles. Memory is bounded by the batch size, not the input size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tumorboard.cohort.columns import unflatten


@dataclass
class Record:
    """One input case: its id, its position in the input, and either data to assess or the error reading it."""

    seq: int
    id: str
    data: dict[str, Any] | None
    kind: str = "case"  # case | fhir
    error: str | None = None
    extra: dict[str, Any] | None = None  # outcome/treatment columns carried through


class InputError(ValueError):
    """The input as a whole cannot be read (missing, unknown type)."""


def _case_record(seq: int, data: Any, default_id: str) -> Record:
    if not isinstance(data, dict):
        return Record(seq, default_id, None, error=f"not a mapping ({type(data).__name__})")
    kind = "fhir" if data.get("resourceType") == "Bundle" else "case"
    rid = str(data.get("id") or default_id)
    return Record(seq, rid, data, kind=kind)


def _files(path: Path) -> Iterator[Path]:
    for p in sorted(path.rglob("*")):
        if p.is_file() and p.suffix.lower() in {".yaml", ".yml", ".json", ".jsonl", ".ndjson"}:
            yield p


def _lines(path: Path, start: int) -> Iterator[Record]:
    seq = start
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield _case_record(seq, json.loads(line), f"{path.stem}:{n}")
            except json.JSONDecodeError as exc:
                yield Record(seq, f"{path.stem}:{n}", None, error=f"malformed JSON: {exc.msg}")
            seq += 1


def _table_batches(path: Path, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if path.suffix.lower() == ".parquet":
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=batch_size):
            yield batch.to_pylist()
    else:
        convert = pacsv.ConvertOptions(strings_can_be_null=True, auto_dict_encode=False)
        reader = pacsv.open_csv(path, convert_options=convert,
                                read_options=pacsv.ReadOptions(block_size=1 << 22))
        for batch in reader:
            yield batch.to_pylist()


def iter_records(source: str | Path, batch_size: int = 1000) -> Iterator[list[Record]]:
    """Batches of records from any supported input."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in {".csv", ".parquet"}:
        seq = 0
        for rows in _table_batches(path, batch_size):
            table_batch: list[Record] = []
            for row in rows:
                extra = {k: v for k, v in row.items() if k.startswith(("outcome.", "treatment."))}
                rid = str(row.get("id") or f"row-{seq}")
                table_batch.append(Record(seq, rid, unflatten(row), extra=extra or None))
                seq += 1
            yield table_batch
        return
    files = [path] if path.is_file() else list(_files(path))
    if path.is_file() and suffix not in {".yaml", ".yml", ".json", ".jsonl", ".ndjson"}:
        raise InputError(f"{source}: unsupported input (YAML, JSON, JSONL, NDJSON, CSV or Parquet)")
    batch: list[Record] = []
    seq = 0
    for f in files:
        if f.suffix.lower() in {".jsonl", ".ndjson"}:
            records: Iterator[Record] = _lines(f, seq)
        else:
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8"))
                records = iter([_case_record(seq, data, f.stem)])
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                records = iter([Record(seq, f.stem, None, error=f"cannot read: {type(exc).__name__}")])
        for rec in records:
            batch.append(rec)
            seq = rec.seq + 1
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch
