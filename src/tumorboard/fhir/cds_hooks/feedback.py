"""Feedback on cards (``POST /cds-services/{id}/feedback``), stored idempotently on the card's uuid.

``AuditFeedback`` appends to the store's hash-chained audit trail (events ``cds.cards`` when cards are issued and
``cds.feedback`` for each outcome); ``MemoryFeedback`` keeps them in memory (tests, development). Neither ever
sees an access token.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any, Protocol


def pseudonym(value: str | None) -> str:
    """A stable pseudonymous id (no patient identifier is stored)."""
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()[:16] if value else ""


class FeedbackStore(Protocol):
    def cards_issued(self, service: str, hook_instance: str, patient: str | None, cards: list[dict[str, Any]],
                     actor: str = "") -> None: ...

    def record(self, service: str, item: dict[str, Any], actor: str = "") -> bool:
        """Store one feedback item; False when this card's feedback was already stored."""
        ...


class MemoryFeedback:
    def __init__(self) -> None:
        self.cards: dict[str, dict[str, Any]] = {}
        self.feedback: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def cards_issued(self, service: str, hook_instance: str, patient: str | None, cards: list[dict[str, Any]],
                     actor: str = "") -> None:
        with self._lock:
            for c in cards:
                self.cards[c["uuid"]] = {"service": service, "hookInstance": hook_instance,
                                         "patient": pseudonym(patient), "indicator": c["indicator"],
                                         "summary": c["summary"]}

    def record(self, service: str, item: dict[str, Any], actor: str = "") -> bool:
        with self._lock:
            if item["card"] in self.feedback:
                return False
            self.feedback[item["card"]] = {"service": service, **item, "known_card": item["card"] in self.cards}
            return True


class AuditFeedback:
    """Cards and feedback as events of ``tumorboard.store.Store``'s audit chain."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._seen: set[str] | None = None
        self._lock = threading.Lock()

    def _load(self) -> set[str]:
        if self._seen is None:
            seen: set[str] = set()
            after = 0
            while True:
                rows = self.store.audit_events(after=after, limit=1000)
                if not rows:
                    break
                for r in rows:
                    if r["kind"] == "cds.feedback":
                        seen.add(r["subject"])
                after = rows[-1]["seq"]
            self._seen = seen
        return self._seen

    def cards_issued(self, service: str, hook_instance: str, patient: str | None, cards: list[dict[str, Any]],
                     actor: str = "") -> None:
        self.store.record("cds.cards", actor=actor, subject=service, request_id=hook_instance,
                          details={"patient": pseudonym(patient),
                                   "cards": [{"uuid": c["uuid"], "indicator": c["indicator"], "summary": c["summary"]}
                                             for c in cards]})

    def record(self, service: str, item: dict[str, Any], actor: str = "") -> bool:
        with self._lock:
            seen = self._load()
            if item["card"] in seen:
                return False
            self.store.record("cds.feedback", actor=actor, subject=item["card"], request_id=service, details=item)
            seen.add(item["card"])
            return True
