"""Pain severity (NRS/VAS 0-10); character and neuropathic pain are constant rules."""

from __future__ import annotations

import re

Facts = list[tuple[str, object]]


def severity(text: str, sentence: str = "") -> Facts:
    """``NRS 7``, ``pain 8/10``, ``7/10``, ``VAS 6``."""
    m = re.search(r"(\d{1,2})(?:\s*/\s*10)?\s*$", text.strip())
    if m and 0 <= int(m.group(1)) <= 10:
        return [("pain.severity_nrs", int(m.group(1)))]
    return []
