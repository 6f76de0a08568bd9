"""The store: SQLite in the user data directory by default, PostgreSQL when ``TUMORBOARD_DATABASE_URL`` says so.

Every write that a request makes happens in one transaction together with its audit event, and is committed before
the request returns: a request that returned 200 has its row.

Assessments go through a group commit (``GroupWriter``): one writer thread per store takes every assessment that is
waiting, writes them and their audit events (chained in arrival order) in ONE transaction, commits (one fsync), and
only then resolves each caller. A caller returns once its own row is committed; if the batch fails, every caller in
it gets ``StoreUnavailable`` and nothing of the batch is stored.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from tumorboard.store import audit, keys
from tumorboard.store.models import Answer, ApiKey, Assessment, AuditEvent, AuditHead, Conversation, Question

log = logging.getLogger("tumorboard.store")

ENV_URL = "TUMORBOARD_DATABASE_URL"
HEAD_REVISION = "0002"  # the newest file in migrations/versions (a test checks this)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return uuid.uuid4().hex


def default_url() -> str:
    """``TUMORBOARD_DATABASE_URL``, else a SQLite file in the user data directory (created on first use)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return normalise_url(url)
    from platformdirs import user_data_dir

    path = Path(user_data_dir("tumorboard")) / "tumorboard.sqlite"
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class StoreUnavailable(Exception):
    """A write was not committed (the database refused it or could not be reached); nothing of it is stored."""


@dataclass(frozen=True)
class Document:
    """A document as stored: its canonical JSON text and that text's SHA-256 (computed once, reusable)."""

    text: str
    sha256: str

    @classmethod
    def of(cls, data: Any) -> Document:
        text = audit.canonical(data)
        return cls(text, audit.sha256(text))


@dataclass
class AssessmentWrite:
    """One assessment and its audit event, ready to be written (everything computed before the writer sees it)."""

    case: Document
    result: Document
    kb_version: str
    kb_hash: str
    engine_version: str
    source: str = "case"
    actor: str = ""
    request_id: str = ""
    id: str = field(default_factory=lambda: new_id())
    created_at: str = field(default_factory=lambda: now())

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at, "case_json": self.case.text,
                "result_json": self.result.text, "case_sha256": self.case.sha256, "result_sha256": self.result.sha256,
                "kb_version": self.kb_version, "kb_hash": self.kb_hash, "engine_version": self.engine_version,
                "source": self.source, "actor": self.actor}

    def details(self) -> dict[str, Any]:
        return {"case_sha256": self.case.sha256, "result_sha256": self.result.sha256, "kb_version": self.kb_version,
                "kb_hash": self.kb_hash, "engine_version": self.engine_version, "source": self.source}


@dataclass
class WriterStats:
    batches: int = 0
    items: int = 0
    largest: int = 0
    failed_batches: int = 0


class GroupWriter:
    """Group commit: one thread writes every waiting assessment in one transaction, then resolves each caller.

    Batches form by themselves: while one commit waits for its fsync, new requests queue up and go together in the
    next one. Nothing is acknowledged before its commit returns; a failed batch fails every caller in it."""

    MAX_BATCH = 512

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: queue.SimpleQueue[tuple[AssessmentWrite, Future[str]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._closed = False
        self.stats = WriterStats()

    def submit(self, item: AssessmentWrite) -> Future[str]:
        """Queue one write; the future resolves to the assessment id once committed (StoreUnavailable if not)."""
        fut: Future[str] = Future()
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the store is closed")
            if self._thread is None or self._pid != os.getpid():  # first write, or a forked child (no thread)
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, args=(self._queue,), name="store-writer",
                                                daemon=True)
                self._thread.start()
            self._queue.put((item, fut))
        return fut

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _run(self, q: queue.SimpleQueue[tuple[AssessmentWrite, Future[str]] | None]) -> None:
        stop = False
        while not stop:
            first = q.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.MAX_BATCH:
                try:
                    nxt = q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            # a caller that gave up before its write started (its request was cancelled) is not written
            live = [(item, fut) for item, fut in batch if fut.set_running_or_notify_cancel()]
            if live:
                self._commit(live)

    def _commit(self, batch: list[tuple[AssessmentWrite, Future[str]]]) -> None:
        try:
            self._store._write_assessments([item for item, _ in batch])
        except BaseException as exc:
            self.stats.failed_batches += 1
            log.error("batch commit failed", extra={"event": "store.error", "error": type(exc).__name__,
                                                    "writes": len(batch)})
            for _, fut in batch:
                err = StoreUnavailable(f"the assessment was not stored ({type(exc).__name__})")
                err.__cause__ = exc
                fut.set_exception(err)
            if not isinstance(exc, Exception):
                raise
            return
        self.stats.batches += 1
        self.stats.items += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        for item, fut in batch:
            fut.set_result(item.id)


@dataclass(frozen=True)
class StoredAssessment:
    id: str
    created_at: str
    case: dict[str, Any]
    result: dict[str, Any]
    kb_version: str
    kb_hash: str
    engine_version: str
    source: str


@dataclass(frozen=True)
class Turn:
    question_id: str
    turn: int
    question: str
    audience: str
    answer: dict[str, Any] | None
    created_at: str


class Store:
    """Storage of assessments, conversations, API keys and the audit chain."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = normalise_url(url) if url else default_url()
        self.engine = _engine(self.url)
        self.dialect = self.engine.dialect.name
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; serialising writers in-process avoids busy-waiting on the file lock.
        self._write_lock: threading.Lock | None = threading.Lock() if self.dialect == "sqlite" else None
        self.writer = GroupWriter(self)
        if migrate:
            self.migrate()

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:
            return None

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic, migrations shipped in the package).

        A database already at ``HEAD_REVISION`` is left alone without importing Alembic (faster start-up)."""
        if self.current_revision() == HEAD_REVISION:
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.writer.close()
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Session]:
        lock = self._write_lock or nullcontext()
        with lock, self._session() as session, session.begin():
            yield session

    # -- audit ----------------------------------------------------------------------------------------------------
    def _append(
        self, session: Session, *, kind: str, actor: str, subject: str, request_id: str, details: dict[str, Any]
    ) -> int:
        """Append one event inside the caller's transaction. Updating the head row first takes the write lock."""
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
        seq, prev = int(head.seq), str(head.hash)
        at = now()
        text = audit.canonical(details)
        digest = audit.event_hash(seq=seq, at=at, kind=kind, actor=actor, subject=subject, request_id=request_id,
                                  details=text, prev_hash=prev)
        session.add(AuditEvent(seq=seq, at=at, kind=kind, actor=actor, subject=subject, request_id=request_id,
                               details=text, prev_hash=prev, hash=digest))
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
        return seq

    def record(self, kind: str, *, actor: str = "", subject: str = "", request_id: str = "",
               details: dict[str, Any] | None = None) -> int:
        """Append an audit event in its own transaction (committed on return)."""
        with self._write() as session:
            return self._append(session, kind=kind, actor=actor, subject=subject, request_id=request_id,
                                details=details or {})

    def audit_events(self, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        with self._session() as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq)
                                   .limit(limit))
            return [
                {"seq": r.seq, "at": r.at, "kind": r.kind, "actor": r.actor, "subject": r.subject,
                 "request_id": r.request_id, "details": r.details, "prev_hash": r.prev_hash, "hash": r.hash}
                for r in rows
            ]

    def verify_audit(self) -> audit.ChainReport:
        """Walk the chain; report the first broken link. Also checks stored assessments and answers against it."""
        expected_docs: dict[str, tuple[int, dict[str, str]]] = {}
        checked = 0
        prev = audit.GENESIS
        with self._session() as session:
            rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
            for (row,) in rows:
                expected_seq = checked + 1
                if row.seq != expected_seq:
                    return audit.ChainReport(False, checked, expected_seq,
                                             f"event {expected_seq} is missing (next event is {row.seq})")
                if row.prev_hash != prev:
                    return audit.ChainReport(False, checked, row.seq, "prev_hash does not match the previous event")
                digest = audit.event_hash(seq=row.seq, at=row.at, kind=row.kind, actor=row.actor, subject=row.subject,
                                          request_id=row.request_id, details=row.details, prev_hash=row.prev_hash)
                if digest != row.hash:
                    return audit.ChainReport(False, checked, row.seq, "the event's content does not match its hash")
                if row.kind in ("assessment.created", "answer.created"):
                    import json

                    expected_docs[row.subject] = (row.seq, json.loads(row.details))
                prev = row.hash
                checked += 1
            head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
            if head.seq != checked or head.hash != prev:
                return audit.ChainReport(False, checked, checked + 1,
                                         f"the chain ends at event {checked} but the head says {head.seq}")
            broken: list[tuple[int, str]] = []
            for a in session.scalars(select(Assessment).execution_options(yield_per=1000)):
                seq_details = expected_docs.pop(a.id, None)
                if seq_details is None:
                    broken.append((checked + 1, f"assessment {a.id} has no audit event"))
                    continue
                seq, details = seq_details
                if (audit.sha256(a.case_json) != details.get("case_sha256")
                        or audit.sha256(a.result_json) != details.get("result_sha256")):
                    broken.append((seq, f"assessment {a.id} no longer matches the hashes in its audit event"))
            for ans in session.scalars(select(Answer).execution_options(yield_per=1000)):
                seq_details = expected_docs.pop(ans.question_id, None)
                if seq_details is None:
                    broken.append((checked + 1, f"answer to question {ans.question_id} has no audit event"))
                elif audit.sha256(ans.answer_json) != seq_details[1].get("answer_sha256"):
                    broken.append((seq_details[0], f"answer to {ans.question_id} no longer matches its audit event"))
            for subject, (seq, _) in expected_docs.items():
                broken.append((seq, f"{subject} is recorded in the audit chain but missing from its table"))
        if broken:
            seq, reason = min(broken)
            return audit.ChainReport(False, checked, seq, reason)
        return audit.ChainReport(True, checked)

    # -- assessments ----------------------------------------------------------------------------------------------
    def save_assessment(
        self, *, case: dict[str, Any], result: dict[str, Any], kb_version: str, kb_hash: str, engine_version: str,
        source: str = "case", actor: str = "", request_id: str = "",
    ) -> str:
        """Store an assessment and its audit event (group commit); returns its id once committed."""
        return self.submit_assessment(AssessmentWrite(
            case=Document.of(case), result=Document.of(result), kb_version=kb_version, kb_hash=kb_hash,
            engine_version=engine_version, source=source, actor=actor, request_id=request_id,
        )).result()

    def submit_assessment(self, item: AssessmentWrite) -> Future[str]:
        """Queue an assessment for the next group commit; the future gives its id once committed (wait for it
        before answering). ``asyncio.wrap_future`` awaits it without a thread."""
        return self.writer.submit(item)

    def _write_assessments(self, items: list[AssessmentWrite]) -> None:
        """One transaction: the rows, then their audit events chained in order after the head, then the head."""
        lock = self._write_lock or nullcontext()
        with lock, self.engine.begin() as conn:
            # updating the head first takes the chain's lock (SQLite: the write lock; PostgreSQL: the row lock)
            conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
            head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
            seq, prev = int(head.seq), str(head.hash)
            events = []
            for item in items:
                seq += 1
                at = now()
                details = audit.canonical(item.details())
                digest = audit.event_hash(seq=seq, at=at, kind="assessment.created", actor=item.actor,
                                          subject=item.id, request_id=item.request_id, details=details,
                                          prev_hash=prev)
                events.append({"seq": seq, "at": at, "kind": "assessment.created", "actor": item.actor,
                               "subject": item.id, "request_id": item.request_id, "details": details,
                               "prev_hash": prev, "hash": digest})
                prev = digest
            conn.execute(insert(Assessment), [item.row() for item in items])
            conn.execute(insert(AuditEvent), events)
            conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))

    def get_assessment(self, assessment_id: str) -> StoredAssessment | None:
        import json

        with self._session() as session:
            row = session.get(Assessment, assessment_id)
            if row is None:
                return None
            return StoredAssessment(row.id, row.created_at, json.loads(row.case_json), json.loads(row.result_json),
                                    row.kb_version, row.kb_hash, row.engine_version, row.source)

    def count(self, table: str) -> int:
        model = {"assessments": Assessment, "audit_events": AuditEvent, "answers": Answer, "questions": Question,
                 "conversations": Conversation, "api_keys": ApiKey}[table]
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    # -- questions, answers and conversations ---------------------------------------------------------------------
    def conversation_exists(self, conversation_id: str) -> bool:
        with self._session() as session:
            return session.get(Conversation, conversation_id) is not None

    def save_answer(
        self, *, question: str, audience: str, answer: dict[str, Any], conversation_id: str | None,
        kb_version: str, kb_hash: str, engine_version: str, actor: str = "", request_id: str = "",
    ) -> tuple[str, str]:
        """Store a question and its answer (starting a conversation when none is given); returns both ids."""
        answer_text = audit.canonical(answer)
        with self._write() as session:
            if conversation_id is None or session.get(Conversation, conversation_id) is None:
                conversation_id = conversation_id or new_id()
                session.add(Conversation(id=conversation_id, created_at=now(), audience=audience, actor=actor))
                session.flush()
                turn = 1
            else:
                last = session.scalar(
                    select(func.max(Question.turn)).where(Question.conversation_id == conversation_id)
                )
                turn = int(last or 0) + 1
            q = Question(id=new_id(), conversation_id=conversation_id, turn=turn, created_at=now(), question=question,
                         audience=audience)
            session.add(q)
            session.flush()
            session.add(Answer(id=new_id(), question_id=q.id, created_at=now(), answer_json=answer_text,
                               answer_sha256=audit.sha256(answer_text), kb_version=kb_version, kb_hash=kb_hash,
                               engine_version=engine_version))
            self._append(session, kind="answer.created", actor=actor, subject=q.id, request_id=request_id,
                         details={"conversation_id": conversation_id, "turn": turn,
                                  "question_sha256": audit.sha256(question),
                                  "answer_sha256": audit.sha256(answer_text), "kb_version": kb_version,
                                  "kb_hash": kb_hash, "engine_version": engine_version})
        return conversation_id, q.id

    def conversation(self, conversation_id: str) -> list[Turn]:
        import json

        with self._session() as session:
            rows = session.execute(
                select(Question, Answer).join(Answer, Answer.question_id == Question.id, isouter=True)
                .where(Question.conversation_id == conversation_id).order_by(Question.turn)
            ).all()
            return [Turn(q.id, q.turn, q.question, q.audience, json.loads(a.answer_json) if a else None, q.created_at)
                    for q, a in rows]

    # -- API keys -------------------------------------------------------------------------------------------------
    def add_api_key(self, name: str, *, actor: str = "cli") -> tuple[str, str]:
        """Create a key; returns its id and the key itself, which is not stored and cannot be shown again."""
        key_id, key = keys.new_key()
        salt = keys.new_salt()
        with self._write() as session:
            session.add(ApiKey(id=key_id, name=name, salt=salt, key_hash=keys.hash_key(key, salt), created_at=now()))
            self._append(session, kind="api_key.created", actor=actor, subject=key_id, request_id="",
                         details={"name": name})
        return key_id, key

    def revoke_api_key(self, key_id: str, *, actor: str = "cli") -> bool:
        with self._write() as session:
            row = session.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = now()
            self._append(session, kind="api_key.revoked", actor=actor, subject=key_id, request_id="", details={})
        return True

    def list_api_keys(self) -> list[dict[str, Any]]:
        with self._session() as session:
            return [{"id": k.id, "name": k.name, "created_at": k.created_at, "revoked_at": k.revoked_at}
                    for k in session.scalars(select(ApiKey).order_by(ApiKey.created_at))]

    def has_api_keys(self) -> bool:
        with self._session() as session:
            return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) is not None

    def check_api_key(self, key: str) -> str | None:
        """The name of the active key, or None for an unknown, malformed or revoked key."""
        key_id = keys.key_id_of(key)
        if key_id is None:
            return None
        with self._session() as session:
            row = session.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None or not keys.matches(key, row.salt, row.key_hash):
                return None
            return row.name


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory:
            path = Path(url.split("///", 1)[1]) if "///" in url else None
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if memory else None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # a committed row survives a power cut, not only a crash
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
