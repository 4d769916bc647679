"""Engine and session factory; the SQLite pragmas that make the embedded default safe to share.

SQLite runs in WAL mode with a busy timeout so that the scheduler, the importer and reviewers
can write from several connections; PostgreSQL needs nothing special.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import N_, SchemaNotReady, StorageError

__all__ = ["Database", "StorageError", "SchemaNotReady"]

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per SQLite connection. 32 MiB keeps a bulk import's index inserts in memory at
# millions of rows; a long-running service holds several pooled connections, each filling its
# own cache as the database grows, so it asks for less (monitor.services.runtime).
SQLITE_CACHE_MIB = 32


def _sqlite_pragmas(cache_mib: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{cache_mib * 1024}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Checkpoint the WAL every ~40 MB rather than 4 MB: bulk imports rewrite index pages, and a
        # rarer checkpoint writes each page once instead of once per batch.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()

    return on_connect


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN: a read-then-write transaction can then never fail with
    # "database is locked" half-way, it waits (busy_timeout) at the start instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    # Readers take no write lock: under WAL they see a consistent snapshot beside any writer.
    conn.exec_driver_sql("BEGIN")


class Database:
    """One engine per process; `session()` is the unit of work for everything that writes."""

    def __init__(self, url: str, *, echo: bool = False,
                 sqlite_cache_mib: int = SQLITE_CACHE_MIB) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except Exception as exc:  # not a URL at all
            raise StorageError(N_("not a database URL: {url!r} ({error})"), url=url, error=exc) from exc
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            # pysqlite's own transaction handling is replaced by explicit BEGIN IMMEDIATE.
            kwargs["connect_args"]["isolation_level"] = None
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except Exception as exc:  # invalid URL, missing driver
            raise StorageError(N_("cannot use database {database}: {error}"),
                               database=parsed.render_as_string(hide_password=True), error=exc) from exc
        self._read_engine = self.engine
        if self.dialect == "sqlite":
            pragmas = _sqlite_pragmas(sqlite_cache_mib)
            event.listen(self.engine, "connect", pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
            self._read_engine = create_engine(url, **kwargs)
            event.listen(self._read_engine, "connect", pragmas)
            event.listen(self._read_engine, "begin", _sqlite_begin_deferred)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self._read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work that writes. Commit on success, roll back on any exception: never
        half a unit of work."""
        with self._unit(self._sessions) as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only unit of work; on SQLite it never waits for (or blocks) a writer."""
        with self._unit(self._readers) as session:
            yield session

    @contextmanager
    def _unit(self, factory: sessionmaker[Session]) -> Iterator[Session]:
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not self.engine:
            self._read_engine.dispose()

    def describe(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)
