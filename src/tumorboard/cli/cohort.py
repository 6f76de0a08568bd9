"""``tumorboard cohort``: batch assessment of registries, templates, synthetic data, score validation, audit."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

cohort_app = typer.Typer(help="Score and plan whole registries; validate the scores against outcomes.",
                         no_args_is_help=True)
app.add_typer(cohort_app, name="cohort")


class Engine(StrEnum):
    local = "local"
    ray = "ray"


VECTORISED_BATCH = 50_000  # rows per batch on the vectorised path (memory is bounded by it)


def _run(source: str, out: Path, engine: Engine, workers: int, batch_size: int, plan: bool,
         address: str | None = None, vectorised: bool = False) -> dict[str, object]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from tumorboard.cohort.runner import run
    from tumorboard.cohort.sources import InputError

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} cases"),
                  TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("assessing", total=None, rate="")

        def progress(done: int, total: int) -> None:
            elapsed = bar.tasks[task].elapsed or 1e-9
            bar.update(task, completed=done, rate=f"{done / elapsed:,.0f}/s")

        try:
            summary = run(source, out, engine=engine.value, workers=workers, batch_size=batch_size, plan=plan,
                          address=address, progress=progress, vectorised=vectorised)
        except InputError as exc:
            raise UserError(str(exc)) from None
    import pyarrow.parquet as pq

    errors = sum(1 for e in pq.read_table(out, columns=["error"]).column("error").to_pylist() if e)
    return {"out": str(out), "records": summary.total, "assessed_this_run": summary.assessed,
            "resumed_from_checkpoint": summary.skipped, "errors": errors, "seconds": round(summary.seconds, 2),
            "notes": summary.notes}


@cohort_app.command("assess")
def assess_cohort(
    source: Annotated[str, typer.Argument(help="Directory or file of cases (YAML/JSON/JSONL), CSV/Parquet table, "
                                               "or FHIR NDJSON.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output Parquet file.")],
    engine: Annotated[Engine, typer.Option("--engine")] = Engine.local,
    workers: Annotated[int, typer.Option("--workers", min=1)] = 1,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Records per batch (default 500; "
                                                   f"{VECTORISED_BATCH:,} on the vectorised path).")] = None,
    scores_only: Annotated[bool, typer.Option("--scores-only", help="Scores without the plan.")] = False,
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address (default: local).")] = None,
    vectorised: Annotated[bool, typer.Option(
        "--vectorised/--scalar", help="With --scores-only on a CSV/Parquet table and the local engine: score whole "
        "batches with polars (same output as the scalar path).")] = True,
) -> None:
    """Assess every case of a registry into one row per case; resumable and idempotent."""
    from tumorboard.cohort.vectorised import is_table

    fast = vectorised and scores_only and engine == Engine.local and is_table(source)
    size = batch_size or (VECTORISED_BATCH if fast else 500)
    summary = _run(source, out, engine, workers, size, not scores_only, address, vectorised=fast)
    typer.echo(json.dumps(summary, indent=2))


@cohort_app.command("template")
def template(lesions: Annotated[int, typer.Option("--lesions", min=1, max=20)] = 2) -> None:
    """Print a CSV header with every case-format column (dotted names; lists separated by ';')."""
    from tumorboard.cohort.columns import template_columns

    typer.echo(",".join(["id", *template_columns(lesions)]))


@cohort_app.command("synth")
def synth(
    n: Annotated[int, typer.Argument(min=1, help="Number of synthetic cases.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet or CSV file.")],
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Write a SYNTHETIC cohort with outcome columns (a documented, deliberately simple outcome model)."""
    from tumorboard.cohort.synth import SYNTHETIC_NOTE, write

    write(n, out, seed)
    typer.echo(f"{out}: {n} cases. {SYNTHETIC_NOTE}")


def _joined(source: Path, workers: int, plan: bool, tmp: Path) -> object:
    import polars as pl

    if source.suffix.lower() not in {".parquet", ".csv"}:
        raise UserError("validate and audit read a CSV or Parquet table with outcome/treatment columns")
    _run(str(source), tmp, Engine.local, workers, VECTORISED_BATCH if not plan else 2000, plan, vectorised=not plan)
    scored = pl.read_parquet(tmp)
    raw = pl.read_parquet(source) if source.suffix.lower() == ".parquet" else pl.read_csv(source)
    raw = raw.with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))
    keep = [c for c in raw.columns if c.startswith(("outcome.", "treatment.")) or c in {"seq", "synthetic",
                                                                                         "lesions.0.region"}]
    return scored.join(raw.select(keep), on="seq", how="left")


@cohort_app.command("validate")
def validate(
    source: Annotated[Path, typer.Argument(help="CSV/Parquet with case columns and outcome.survival_months, "
                                                "outcome.death.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory for the report.")],
    workers: Annotated[int, typer.Option("--workers", min=1)] = 1,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0)] = 200,
) -> None:
    """Kaplan-Meier by band, median survival, C-index with bootstrap CI and calibration for every score."""
    import tempfile

    from tumorboard.cohort.validate import validate_frame, write_report

    if not source.is_file():
        raise UserError(f"{source}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        df = _joined(source, workers, False, Path(tmp) / "scores.parquet")
    for col in ("outcome.survival_months", "outcome.death"):
        if col not in df.columns:  # type: ignore[attr-defined]
            raise UserError(f"{source}: column {col} is required for validation")
    synthetic = "synthetic" in df.columns and bool(df["synthetic"].any())  # type: ignore[attr-defined,index]
    results = validate_frame(df, synthetic=synthetic, bootstrap=bootstrap)
    path = write_report(results, out, synthetic=synthetic)
    if synthetic:
        typer.echo("SYNTHETIC DATA: figures below come from a generated cohort, not patients.")
    for r in results:
        typer.echo(f"{r.key:16s} n={r.n:<8d} C={r.c_index} (95% CI {r.c_index_ci[0] if r.c_index_ci else ''}-"
                   f"{r.c_index_ci[1] if r.c_index_ci else ''})")
    typer.echo(f"report: {path / 'report.html'}")


@cohort_app.command("audit")
def audit_cohort(
    source: Annotated[Path, typer.Argument(help="CSV/Parquet with case columns and treatment.received.")],
    workers: Annotated[int, typer.Option("--workers", min=1)] = 1,
) -> None:
    """Share of patients whose treatment matches the top option or any option, by pathway; lists the others."""
    import tempfile
    from dataclasses import asdict

    from tumorboard.cohort.audit import audit

    if not source.is_file():
        raise UserError(f"{source}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        df = _joined(source, workers, True, Path(tmp) / "plans.parquet")
    if "treatment.received" not in df.columns:  # type: ignore[attr-defined]
        raise UserError(f"{source}: column treatment.received is required for the audit")
    typer.echo(json.dumps(asdict(audit(df)), indent=2, default=str))
