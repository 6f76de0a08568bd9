"""Replace one marked block inside the Engine section of docs/benchmarks.md (read right before writing)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Engine (issue: knowledge base and engine)"


def write_block(name: str, body: str) -> None:
    """Put ``body`` between ``<!-- engine:name -->`` markers in the Engine section, creating them if needed."""
    text = DOC.read_text()
    start, end = f"<!-- engine:{name} -->", f"<!-- /engine:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        head = text.index(SECTION) + len(SECTION)
        nxt = text.find("\n## ", head)
        section = text[head:nxt if nxt >= 0 else len(text)]
        kept = section.replace("_pending_", "").rstrip()
        new_section = f"{kept}\n\n{block}\n\n" if kept.strip() else f"\n\n{block}\n\n"
        text = text[:head] + new_section + (text[nxt + 1:] if nxt >= 0 else "")
    DOC.write_text(text)
