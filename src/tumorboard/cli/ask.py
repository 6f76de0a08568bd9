"""``tumorboard ask``, ``tumorboard chat`` and ``tumorboard index add``: cited answers from the knowledge base."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from tumorboard.cli.app import app
from tumorboard.cli.errors import UserError

index_app = typer.Typer(help="The question-answering index: add your own documents.", no_args_is_help=True)
app.add_typer(index_app, name="index")


class AskFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    text = "text"


class AskAudience(StrEnum):
    clinician = "clinician"
    patient = "patient"


def _render(answer: object, fmt: AskFormat) -> str:
    from tumorboard.qa.answer import Answer, render_markdown, render_text

    assert isinstance(answer, Answer)
    if fmt is AskFormat.json:
        return json.dumps(answer.to_json(), indent=2, ensure_ascii=False)
    return render_markdown(answer) if fmt is AskFormat.markdown else render_text(answer)


def _qa(no_dense: bool) -> object:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from tumorboard.qa.service import QA

    return QA(dense=not no_dense)


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    fmt: Annotated[AskFormat, typer.Option("--format", help="markdown, json or text")] = AskFormat.markdown,
    audience: Annotated[AskAudience, typer.Option("--audience", help="clinician or patient")] = AskAudience.clinician,
    no_dense: Annotated[bool, typer.Option("--no-dense", help="keyword search (BM25) only")] = False,
) -> None:
    """Answer a question from the knowledge base, every sentence cited; refuses what it does not cover."""
    if not question.strip():
        raise UserError("empty question")
    from tumorboard.qa.service import QA

    qa = _qa(no_dense)
    assert isinstance(qa, QA)
    typer.echo(_render(qa.ask(question, audience=audience.value), fmt))


@app.command("chat")
def chat(
    audience: Annotated[AskAudience, typer.Option("--audience", help="clinician or patient")] = AskAudience.clinician,
    fmt: Annotated[AskFormat, typer.Option("--format", help="markdown, json or text")] = AskFormat.text,
    no_dense: Annotated[bool, typer.Option("--no-dense", help="keyword search (BM25) only")] = False,
) -> None:
    """An interactive conversation: follow-up questions keep the context ("What if she had prior radiotherapy?")."""
    from tumorboard.qa.service import QA

    qa = _qa(no_dense)
    assert isinstance(qa, QA)
    conv = qa.conversation()
    typer.echo("tumorboard chat: ask a question; 'new' starts a new conversation, 'quit' (or Ctrl-D) ends.")
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if not line:
            continue
        if line.lower() in ("quit", "exit", "q"):
            break
        if line.lower() == "new":
            conv = qa.conversation()
            typer.echo("(new conversation)")
            continue
        typer.echo(_render(qa.ask(line, audience=audience.value, conversation=conv), fmt))


@index_app.command("add")
def index_add(
    paths: Annotated[list[str], typer.Argument(help="Text, Markdown, HTML or PDF files.")],
) -> None:
    """Add documents to the question-answering index; answers cite them as user-supplied sources."""
    from pathlib import Path

    from tumorboard.qa.userdocs import add_file, store_file

    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise UserError(f"{p}: no such file")
        try:
            chunks = add_file(path)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        pages = {c.page for c in chunks if c.page}
        where = f" from {len(pages)} page(s)" if pages else ""
        typer.echo(f"added {path.name}: {len(chunks)} chunk(s){where}")
    typer.echo(f"stored in {store_file()}; the index is rebuilt on the next question")
