"""The store on SQLite and PostgreSQL: rows, API keys, conversations, the audit chain and tampering."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tumorboard.store import AssessmentWrite, Document, Store, StoreUnavailable
from tumorboard.store.audit import GENESIS

ROOT = Path(__file__).resolve().parents[2]


def _save(store: Store, n: int = 1) -> list[str]:
    return [
        store.save_assessment(case={"format": "tumorboard.case/v1", "id": f"c{i}"}, result={"case_id": f"c{i}"},
                              kb_version="v1", kb_hash="h1", engine_version="0.1.0", request_id=f"r{i}")
        for i in range(n)
    ]


def _raw(store: Store, sql: str) -> None:
    """Tamper with the database behind the store's back (dropping the append-only triggers first)."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        conn.execute(text(sql))


def test_assessment_roundtrip_and_chain(store: Store) -> None:
    (aid,) = _save(store)
    got = store.get_assessment(aid)
    assert got is not None and got.case["id"] == "c0" and got.result == {"case_id": "c0"}
    assert (got.kb_version, got.kb_hash, got.engine_version) == ("v1", "h1", "0.1.0")
    assert store.get_assessment("nope") is None
    report = store.verify_audit()
    assert report.ok and report.checked == 1, report.describe()
    (event,) = store.audit_events()
    assert event["prev_hash"] == GENESIS and event["subject"] == aid and event["kind"] == "assessment.created"
    assert "c0" not in event["details"]  # no patient data in the audit trail, only hashes and ids


def test_migrate_is_idempotent(store_url: str) -> None:
    Store(store_url).close()
    s = Store(store_url)
    _save(s)
    assert s.verify_audit().ok
    s.close()


def test_audit_is_append_only(store: Store) -> None:
    _save(store)
    for sql in ("UPDATE audit_events SET kind = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert store.verify_audit().ok


def test_verify_reports_first_changed_event(store: Store) -> None:
    _save(store, 5)
    _raw(store, "UPDATE audit_events SET actor = 'mallory' WHERE seq IN (3, 4)")
    report = store.verify_audit()
    assert not report.ok and report.broken_at == 3 and report.checked == 2
    assert "3" in report.describe()


def test_verify_reports_removed_event(store: Store) -> None:
    _save(store, 4)
    _raw(store, "DELETE FROM audit_events WHERE seq = 2")
    report = store.verify_audit()
    assert not report.ok and report.broken_at == 2 and "missing" in report.reason


def test_verify_reports_truncated_tail(store: Store) -> None:
    _save(store, 3)
    _raw(store, "DELETE FROM audit_events WHERE seq = 3")
    report = store.verify_audit()
    assert not report.ok and report.broken_at == 3


def test_verify_reports_changed_assessment(store: Store) -> None:
    ids = _save(store, 3)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE assessments SET result_json = '{}' WHERE id = :id"), {"id": ids[1]})
    report = store.verify_audit()
    assert not report.ok and report.broken_at == 2 and ids[1] in report.reason


def test_api_keys(store: Store) -> None:
    assert not store.has_api_keys()
    key_id, key = store.add_api_key("lab-system")
    assert key.startswith("tb_" + key_id + "_") and len(key) > 40
    assert store.has_api_keys()
    assert store.check_api_key(key) == "lab-system"
    for bad in ("", key + "x", key[:-1], "tb_" + key_id, "tb_000000000000_" + key.split("_", 2)[2], "x" * 5000):
        assert store.check_api_key(bad) is None
    with store.engine.connect() as conn:  # hashed at rest: the key itself is nowhere in the table
        rows = conn.execute(text("SELECT * FROM api_keys")).all()
    assert key not in repr(rows) and key.split("_", 2)[2] not in repr(rows)
    assert store.revoke_api_key(key_id) and not store.revoke_api_key(key_id)
    assert store.check_api_key(key) is None and not store.has_api_keys()
    assert [k["id"] for k in store.list_api_keys()] == [key_id]
    assert store.verify_audit().ok


def test_conversation_turns(store: Store) -> None:
    conv, q1 = store.save_answer(question="role of surgery?", audience="clinician", answer={"kind": "topic"},
                                 conversation_id=None, kb_version="v", kb_hash="h", engine_version="e")
    conv2, q2 = store.save_answer(question="and in children?", audience="clinician", answer={"kind": "topic"},
                                  conversation_id=conv, kb_version="v", kb_hash="h", engine_version="e")
    assert conv2 == conv and q1 != q2
    turns = store.conversation(conv)
    assert [t.turn for t in turns] == [1, 2] and turns[1].question == "and in children?"
    assert turns[0].answer == {"kind": "topic"}
    assert store.conversation_exists(conv) and not store.conversation_exists("nope")
    assert store.verify_audit().ok


def test_concurrent_writers_keep_one_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            _save(store, 15)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = store.verify_audit()
    assert report.ok and report.checked == 90 == store.count("assessments")


def test_default_sqlite_in_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUMORBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    s = Store()
    assert s.url.endswith("data/tumorboard/tumorboard.sqlite")
    _save(s)
    assert (tmp_path / "data" / "tumorboard" / "tumorboard.sqlite").is_file()
    s.close()


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    Store().close()
    assert (tmp_path / "env.sqlite").is_file()


def test_rerun_gives_same_result(store: Store) -> None:
    from tumorboard.api.services import Services, rerun_assessment
    from tumorboard.model.parse import load_data

    services = Services(store)
    data = load_data((ROOT / "examples" / "sacrum-sts.yaml").read_text())
    outcome = services.assess_data(data)
    rerun = rerun_assessment(services, outcome.id)
    assert rerun is not None and rerun.identical and rerun.same_kb, rerun.describe()
    assert rerun_assessment(services, "missing") is None


def _cli(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {"TUMORBOARD_DATABASE_URL": db, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", "from tumorboard.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_cli_keys_and_audit(store_url: str) -> None:
    p = _cli("users", "add-key", "ehr", db=store_url)
    assert p.returncode == 0, p.stderr
    key = p.stdout.strip()
    assert key.startswith("tb_") and "shown only now" in p.stderr
    listed = _cli("users", "list", db=store_url)
    assert "ehr" in listed.stdout and key not in listed.stdout
    ok = _cli("audit", "verify", db=store_url)
    assert ok.returncode == 0 and "intact: 1 events" in ok.stdout
    s = Store(store_url)
    _save(s, 2)
    (aid,) = _save(s)
    rerun = _cli("audit", "rerun", aid, db=store_url)
    assert rerun.returncode == 1 and "differs" in rerun.stdout  # the stored toy result is not the engine's result
    _raw(s, "UPDATE audit_events SET details = '{}' WHERE seq = 2")
    s.close()
    bad = _cli("audit", "verify", db=store_url)
    assert bad.returncode == 1 and "broken at event 2" in bad.stdout and "Traceback" not in bad.stderr
    assert _cli("users", "revoke", "nope", db=store_url).returncode == 2


def test_head_revision_constant_matches_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tumorboard.store.db import HEAD_REVISION

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "src/tumorboard/store/migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def _write(i: int) -> AssessmentWrite:
    return AssessmentWrite(case=Document.of({"format": "tumorboard.case/v1", "id": f"g{i}"}),
                           result=Document.of({"case_id": f"g{i}"}), kb_version="v1", kb_hash="h1",
                           engine_version="0.1.0", request_id=f"g{i}")


def test_group_commit_batches_and_chains_in_order(store: Store) -> None:
    """Concurrent submissions share commits; each gets its own row and event; the chain and the head verify, and
    other writers (API keys) interleave with the batches on the same chain."""
    _save(store, 2)
    queued = threading.Event()
    original = store._write_assessments

    def held(items: list[AssessmentWrite]) -> None:
        queued.wait(10)  # the first commit waits until the other 39 are queued (as a slow fsync would)
        original(items)

    store._write_assessments = held  # type: ignore[method-assign]
    futures = [store.submit_assessment(_write(i)) for i in range(40)]
    queued.set()
    ids = [f.result(timeout=30) for f in futures]
    store.add_api_key("ehr")
    more = [store.submit_assessment(_write(100 + i)) for i in range(5)]
    ids += [f.result(timeout=30) for f in more]
    assert len(set(ids)) == 45 and store.count("assessments") == 47
    assert store.writer.stats.batches < 45 and store.writer.stats.largest > 1  # commits were shared
    report = store.verify_audit()
    assert report.ok and report.checked == 48, report.describe()
    events = store.audit_events(limit=100)
    assert [e["request_id"] for e in events[2:42]] == [f"g{i}" for i in range(40)]  # arrival order
    assert [e["subject"] for e in events[2:42]] == ids[:40]


def test_group_commit_failure_fails_every_caller(store: Store) -> None:
    """A batch that cannot commit stores nothing and every caller in it gets StoreUnavailable; the next works."""
    _save(store)
    original = store._write_assessments
    calls: list[int] = []

    def failing(items: list[AssessmentWrite]) -> None:
        calls.append(len(items))
        from sqlalchemy import insert

        from tumorboard.store.models import Assessment

        with store.engine.begin() as conn:
            conn.execute(insert(Assessment), [item.row() for item in items])
            raise RuntimeError("commit refused")

    store._write_assessments = failing  # type: ignore[method-assign]
    futures = [store.submit_assessment(_write(i)) for i in range(10)]
    for f in futures:
        with pytest.raises(StoreUnavailable, match="not stored"):
            f.result(timeout=30)
    assert sum(calls) == 10 and store.writer.stats.failed_batches >= 1
    assert store.count("assessments") == 1 and store.verify_audit().ok
    store._write_assessments = original  # type: ignore[method-assign]
    assert store.submit_assessment(_write(99)).result(timeout=30)
    assert store.count("assessments") == 2 and store.verify_audit().checked == 2


def test_closed_store_refuses_writes(store_url: str) -> None:
    s = Store(store_url)
    (aid,) = _save(s)
    s.close()
    with pytest.raises(StoreUnavailable):
        s.submit_assessment(_write(1))
    s2 = Store(store_url)
    assert s2.get_assessment(aid) is not None and s2.verify_audit().ok
    s2.close()


def test_two_stores_on_one_database_keep_one_chain(store_url: str) -> None:
    """Two writers (as two server processes would) on the same database: appends serialise on the chain head."""
    a, b = Store(store_url), Store(store_url)
    futures = []
    for i in range(30):
        futures.append((a if i % 2 else b).submit_assessment(_write(i)))
    assert len({f.result(timeout=60) for f in futures}) == 30
    _save(a, 3)
    report = a.verify_audit()
    assert report.ok and report.checked == 33, report.describe()
    a.close()
    b.close()


def test_postgres_documents_compressed_with_lz4() -> None:
    from tests.store.conftest import need_postgres, reset_postgres

    url = need_postgres()
    reset_postgres(url)
    store = Store(url)
    with store.engine.connect() as conn:
        lz4 = conn.execute(text("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                                "AND 'lz4' = ANY(enumvals)")).first()
        methods = conn.execute(text("SELECT attname, attcompression FROM pg_attribute WHERE attrelid = "
                                    "'assessments'::regclass AND attname IN ('case_json', 'result_json')")).all()
    if lz4 is None:
        pytest.skip("this PostgreSQL server was built without lz4")
    assert {name: method for name, method in methods} == {"case_json": "l", "result_json": "l"}
    (aid,) = _save(store)
    assert store.verify_audit().ok and store.get_assessment(aid) is not None
    store.close()


def test_writer_restarts_in_a_forked_child(tmp_path: Path) -> None:
    """A child forked after the writer thread started has no writer: its first write starts one (no hang)."""
    import os

    s = Store(f"sqlite:///{tmp_path / 'fork.sqlite'}")
    _save(s)
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            s.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
            s.submit_assessment(_write(1)).result(timeout=20)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert s.count("assessments") == 2 and s.verify_audit().ok
    s.close()
