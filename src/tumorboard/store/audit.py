"""The audit chain: each event's hash covers its content and the previous event's hash.

``event_hash`` is the whole definition; ``verify`` walks the chain in sequence order and reports the first broken link
(a changed row, a removed row, a re-ordered row, or an assessment whose stored bytes no longer match its event).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    """The one JSON serialisation that is hashed and stored: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(
    *, seq: int, at: str, kind: str, actor: str, subject: str, request_id: str, details: str, prev_hash: str
) -> str:
    body = canonical(
        {"seq": seq, "at": at, "kind": kind, "actor": actor, "subject": subject, "request_id": request_id,
         "details": details, "prev_hash": prev_hash}
    )
    return sha256(body)


@dataclass(frozen=True)
class ChainReport:
    """What ``tumorboard audit verify`` prints: how many events were checked and the first broken link, if any."""

    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} events"
        return f"audit chain broken at event {self.broken_at}: {self.reason} ({self.checked} events checked before it)"
