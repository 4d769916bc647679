"""Write transactions survive other writers: SQLite's held lock is waited for (and said so), a real
PostgreSQL deadlock is retried; other errors are raised at once."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from storage.db import Database
from storage.migrate import upgrade
from storage.retry import write_with_retry


def test_a_sqlite_writer_waits_for_the_lock_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.retry.LOCK_WAIT_MAX", 20.0)  # a broken test fails, never hangs
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade(db)
    event.listen(db.engine, "connect", lambda conn, _r: conn.execute("PRAGMA busy_timeout=200"))
    db.engine.dispose()
    holder = sqlite3.connect(tmp_path / "p.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, holder.execute, args=("COMMIT",))
    release.start()
    attempts = []

    def work(session):  # type: ignore[no-untyped-def]
        attempts.append(time.monotonic())
        session.execute(text("INSERT INTO blobs (sha256, size, body) VALUES ('a', 1, x'00')"))
        return "stored"

    with caplog.at_level(logging.WARNING, logger="storage.retry"):
        assert write_with_retry(db, work) == "stored"
    release.join()
    assert len(attempts) >= 2 and "waiting for it" in caplog.text
    db.dispose()


def test_other_errors_are_raised_at_once(db: Database) -> None:
    calls = []

    def work(session):  # type: ignore[no-untyped-def]
        calls.append(1)
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    with pytest.raises(Exception, match="no_such_table|no such table"):
        write_with_retry(db, work)
    assert calls == [1]


@pytest.mark.postgres
def test_a_postgresql_deadlock_victim_is_retried(postgres_url: str) -> None:
    db = Database(postgres_url)
    upgrade(db)
    with db.session() as session:
        session.execute(text("INSERT INTO blobs (sha256, size, body) VALUES ('a', 0, ''), ('b', 0, '')"))
    both_locked = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}

    def writer(first: str, second: str) -> None:
        tries = []

        def work(session):  # type: ignore[no-untyped-def]
            tries.append(1)
            session.execute(text("UPDATE blobs SET size = size + 1 WHERE sha256 = :k"), {"k": first})
            if len(tries) == 1:
                both_locked.wait()
            session.execute(text("UPDATE blobs SET size = size + 1 WHERE sha256 = :k"), {"k": second})
        try:
            write_with_retry(db, work)
            outcomes[first] = len(tries)
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            outcomes[first] = exc

    threads = [threading.Thread(target=writer, args=p) for p in (("a", "b"), ("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()) == [1, 2], outcomes  # one deadlock victim, retried once
    with db.reader() as session:
        assert session.execute(text("SELECT sum(size) FROM blobs")).scalar() == 4
    db.dispose()
