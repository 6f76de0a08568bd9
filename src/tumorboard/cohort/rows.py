"""One output row per case: every score (value, band, min, max, determinate), the top options, what is missing."""

from __future__ import annotations

import json
from typing import Any

from tumorboard.cohort.sources import Record

TOP_OPTIONS = 3


def score_keys() -> list[str]:
    from tumorboard.scores import REGISTRY

    return list(REGISTRY)


def output_schema() -> Any:
    """The fixed Arrow schema of an assessment row (so that every batch writes the same columns)."""
    import pyarrow as pa

    fields = [
        pa.field("seq", pa.int64()), pa.field("id", pa.string()), pa.field("error", pa.string()),
        pa.field("kb_version", pa.string()), pa.field("engine_version", pa.string()),
    ]
    for key in score_keys():
        fields += [
            pa.field(f"{key}.value", pa.string()), pa.field(f"{key}.band", pa.string()),
            pa.field(f"{key}.min", pa.float64()), pa.field(f"{key}.max", pa.float64()),
            pa.field(f"{key}.determinate", pa.bool_()),
        ]
    fields += [
        pa.field("plan.top_modality", pa.string()), pa.field("plan.options", pa.string()),
        pa.field("plan.avoid", pa.string()), pa.field("plan.warnings", pa.int64()),
        pa.field("missing", pa.string()),
    ]
    return pa.schema(fields)


def _empty_row(rec: Record) -> dict[str, Any]:
    return {name: None for name in output_schema().names} | {"seq": rec.seq, "id": rec.id}


def _to_case(rec: Record) -> Any:
    from tumorboard.model.parse import parse_case_data

    assert rec.data is not None
    if rec.kind == "fhir":
        from tumorboard.fhir import read_bundle

        return read_bundle(rec.data).case
    return parse_case_data(rec.data).case


def assess_record(rec: Record, *, plan: bool = True) -> dict[str, Any]:
    """Assess one record; a bad record gives a row with its error, never an exception."""
    row = _empty_row(rec)
    if rec.error:
        row["error"] = rec.error
        return row
    try:
        case = _to_case(rec)
        if plan:
            from tumorboard.engine import assess

            try:
                result = assess(case, analyse_missing=False)
            except TypeError:
                result = assess(case)
            scores = result.scores
            row["engine_version"] = result.engine_version
            if result.knowledge_base is not None:
                row["kb_version"] = result.knowledge_base.version
            if result.plan is not None:
                opts = result.plan.options
                row["plan.top_modality"] = opts[0].modality if opts else None
                row["plan.options"] = ";".join(str(o.modality or o.statement) for o in opts[:TOP_OPTIONS])
                row["plan.avoid"] = ";".join(str(o.modality or o.statement) for o in result.plan.avoid)
                row["plan.warnings"] = len(result.plan.warnings)
            missing = result.missing
        else:
            from tumorboard.scores import compute_all

            scores = compute_all(case)
            missing = sorted({m for r in scores.values() for m in r.missing})
        for key, r in scores.items():
            row[f"{key}.value"] = None if r.value is None else str(r.value)
            row[f"{key}.band"] = r.band
            row[f"{key}.min"] = None if r.min is None else float(r.min)
            row[f"{key}.max"] = None if r.max is None else float(r.max)
            row[f"{key}.determinate"] = r.determinate
        row["missing"] = ";".join(missing)
    except Exception as exc:  # a bad record never stops the run
        from tumorboard.model.parse import CaseError

        row["error"] = "; ".join(str(e) for e in exc.errors) if isinstance(exc, CaseError) else (
            f"{type(exc).__name__}: {exc}")
    return row


def encode(rec: Record) -> dict[str, Any]:
    """A record as flat, serialisable columns (for Ray)."""
    return {"seq": rec.seq, "id": rec.id, "kind": rec.kind, "error": rec.error,
            "payload": json.dumps(rec.data) if rec.data is not None else None}


def decode(row: dict[str, Any]) -> Record:
    payload = row.get("payload")
    return Record(int(row["seq"]), str(row["id"]), json.loads(payload) if payload else None,
                  kind=str(row.get("kind") or "case"), error=row.get("error") or None)
