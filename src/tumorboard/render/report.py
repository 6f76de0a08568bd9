"""Assessment reports in Markdown and text."""

from __future__ import annotations

from tumorboard.model.result import Result


def markdown_report(result: Result) -> str:
    lines = [f"# tumorboard assessment: {result.case_id or 'case'}", "", "## Scores", ""]
    lines.append("| score | lesion | value | band | missing | meaning |")
    lines.append("|---|---|---|---|---|---|")
    for r in result.scores.values():
        value = r.value if r.value is not None else (f"{r.min}-{r.max}" if r.min is not None else "unknown")
        band = r.band or "undetermined (" + " / ".join(r.possible_bands) + ")"
        missing = ", ".join(r.missing)
        lines.append(f"| {r.name} | {r.lesion or ''} | {value} | {band} | {missing} | {r.interpretation} |")
    if result.missing:
        lines += ["", "## Missing inputs", ""] + [f"- `{m}`" for m in result.missing]
    lines += ["", f"_{result.disclaimer}_", ""]
    return "\n".join(lines)


def text_report(result: Result) -> str:
    from tumorboard.render.scores import scores_summary

    out = [f"tumorboard assessment: {result.case_id or 'case'}", "", scores_summary(result.scores)]
    if result.missing:
        out.append("Missing inputs: " + ", ".join(result.missing))
    out.append(result.disclaimer)
    return "\n".join(out) + "\n"
