"""Tables of the store (SQLAlchemy 2 declarative). The migrations in ``migrations/versions`` create the same schema.

Times are ISO-8601 UTC strings (``2025-01-31T12:00:00.123456Z``) so that SQLite and PostgreSQL hash the same bytes.
Case and result documents are stored as canonical JSON text: the stored bytes are what the audit chain hashes.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    case_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    case_sha256: Mapped[str] = mapped_column(String(64))
    result_sha256: Mapped[str] = mapped_column(String(64))
    kb_version: Mapped[str] = mapped_column(String(64))
    kb_hash: Mapped[str] = mapped_column(String(128))
    engine_version: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="case")  # case | text | form
    actor: Mapped[str] = mapped_column(String(128), default="")


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(16), default="clinician")
    actor: Mapped[str] = mapped_column(String(128), default="")


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(16))


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    answer_json: Mapped[str] = mapped_column(Text)
    answer_sha256: Mapped[str] = mapped_column(String(64))
    kb_version: Mapped[str] = mapped_column(String(64))
    kb_hash: Mapped[str] = mapped_column(String(128))
    engine_version: Mapped[str] = mapped_column(String(64))


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # the public prefix of the key
    name: Mapped[str] = mapped_column(String(128))
    salt: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AuditHead(Base):
    """One row: the last sequence number and hash of the chain. Updating it first serialises appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE); each row carries the previous row's hash."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON; ids and hashes only, never patient data
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_subject", "subject"),)
