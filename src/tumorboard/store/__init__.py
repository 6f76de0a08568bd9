"""Durable storage (SQLAlchemy 2 + Alembic): assessments, questions and answers, conversations, API keys and an
append-only, hash-chained audit trail. SQLite in the user data directory by default; PostgreSQL when
``TUMORBOARD_DATABASE_URL`` is set."""

from tumorboard.store.audit import ChainReport
from tumorboard.store.db import (
    ENV_URL,
    AssessmentWrite,
    Document,
    Store,
    StoredAssessment,
    StoreUnavailable,
    Turn,
    default_url,
    redact,
)

__all__ = ["ENV_URL", "AssessmentWrite", "ChainReport", "Document", "Store", "StoreUnavailable", "StoredAssessment",
           "Turn", "default_url", "redact"]
