"""The knowledge base: statements and references as reviewed data (``knowledge/``), loaded, validated and compiled.

``load()`` returns the compiled :class:`KnowledgeBase` (cached by content hash); ``check()`` validates and lists every
problem with its file, statement id and field. The format is docs/knowledge-format.md.
"""

from tumorboard.knowledge.loader import (
    CompiledStatement,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    check,
    knowledge_dir,
    load,
)
from tumorboard.knowledge.models import Reference, Statement

__all__ = [
    "CompiledStatement",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "Reference",
    "Statement",
    "check",
    "knowledge_dir",
    "load",
]
