"""``tumorboard kb check`` and ``tumorboard kb stats``: validate the knowledge base and report its coverage."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from typing import Annotated, Any

import typer

from tumorboard.cli.app import app

kb_app = typer.Typer(help="Validate the knowledge base and report its coverage.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

PathOption = Annotated[
    str | None,
    typer.Option("--path", help="Knowledge directory (default: $TUMORBOARD_KNOWLEDGE, else the repository's)."),
]


class StatsFormat(StrEnum):
    json = "json"
    text = "text"


@kb_app.command("check")
def kb_check(path: PathOption = None) -> None:
    """Validate every file; exit 1 with the list of problems (file, statement id, field) when any is an error."""
    from tumorboard.knowledge.loader import check

    kb, problems = check(path)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors:
        typer.echo(f"error: {p}", err=True)
    for p in warnings:
        typer.echo(f"warning: {p}", err=True)
    if errors:
        typer.echo(f"kb check: {len(errors)} error(s), {len(warnings)} warning(s)", err=True)
        raise typer.Exit(1)
    assert kb is not None
    typer.echo(f"kb check: OK - {len(kb.statements)} statements, {len(kb.references)} references, "
               f"{len(warnings)} warning(s); version {kb.version}")


def _stats(kb: Any) -> dict[str, Any]:
    statements = [cs.stmt for cs in kb.statements]
    cited = {r for s in statements for r in s.references}

    def count(values: list[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items()))

    return {
        "version": kb.version,
        "statements": len(statements),
        "references": len(kb.references),
        "verified_references": sum(1 for r in kb.references.values() if r.verified),
        "cited_references": len(cited),
        "by_topic": count([cs.topic for cs in kb.statements]),
        "by_modality": count([s.modality or "(none)" for s in statements]),
        "by_section": count([s.section for s in statements]),
        "by_strength": count([s.strength for s in statements]),
        "by_evidence": count([f"{s.evidence.scheme} {s.evidence.level}" for s in statements]),
        "by_review_status": count([s.review.status for s in statements]),
        "lesion_scoped": sum(1 for s in statements if s.scope == "lesion"),
        "emergency": sum(1 for s in statements if s.urgency == "emergency"),
        "modalities_without_statements": sorted(
            m for m in kb.modalities if m not in {s.modality for s in statements}
            and m not in {f for s in statements for f in s.followed_by}
        ),
        "warnings": len(kb.problems),
    }


@kb_app.command("stats")
def kb_stats(
    path: PathOption = None,
    fmt: Annotated[StatsFormat, typer.Option("--format", help="json or text")] = StatsFormat.text,
) -> None:
    """Coverage by topic, modality, section, strength, evidence level and review status."""
    from tumorboard.cli.errors import UserError
    from tumorboard.knowledge.loader import KnowledgeError, load

    try:
        kb = load(path)
    except KnowledgeError as exc:
        raise UserError(f"the knowledge base is invalid; run `tumorboard kb check`\n{exc}") from None
    stats = _stats(kb)
    if fmt is StatsFormat.json:
        typer.echo(json.dumps(stats, indent=2))
        return
    lines = [
        f"knowledge base {stats['version']}",
        f"statements: {stats['statements']} ({stats['lesion_scoped']} lesion-scoped, {stats['emergency']} emergency)",
        f"references: {stats['references']} ({stats['verified_references']} verified, {stats['cited_references']} "
        "cited)",
    ]
    for key in ("by_topic", "by_section", "by_strength", "by_evidence", "by_review_status", "by_modality"):
        lines.append("")
        lines.append(key.replace("by_", "by ").replace("_", " ") + ":")
        lines += [f"  {name:<40} {n:>4}" for name, n in stats[key].items()]
    if stats["modalities_without_statements"]:
        lines += ["", "modalities without statements: " + ", ".join(stats["modalities_without_statements"])]
    typer.echo("\n".join(lines))
