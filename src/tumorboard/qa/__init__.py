"""Ask: structured, cited answers to clinicians' and patients' questions from the knowledge base (issue 6).

``ask(question)`` returns an :class:`Answer` (kind case | topic | not_covered) whose every sentence carries the
statements it comes from and numbered references. Retrieval is hybrid (BM25 + MiniLM embeddings, reciprocal rank
fusion) over the statements, the reference registry and user-supplied documents; see ``tumorboard.qa.index``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tumorboard.qa.answer import Answer
    from tumorboard.qa.service import QA, Conversation

__all__ = ["QA", "Answer", "Conversation", "ask"]


def ask(question: str, *, audience: str = "clinician", conversation_id: str | None = None) -> Answer:
    from tumorboard.qa.service import ask as _ask

    return _ask(question, audience=audience, conversation_id=conversation_id)  # type: ignore[arg-type]


def __getattr__(name: str) -> Any:
    if name in ("QA", "Conversation"):
        from tumorboard.qa import service

        return getattr(service, name)
    if name == "Answer":
        from tumorboard.qa.answer import Answer

        return Answer
    raise AttributeError(name)
