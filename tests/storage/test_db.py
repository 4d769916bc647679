"""The SQLite connection settings: every connection of both engines (writer and readers) gets
the same pragmas, and the page cache per connection is the caller's choice — a long-running
service asks for a small one, since each of its pooled connections keeps its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.db import SQLITE_CACHE_MIB, Database


def _pragma(db: Database, name: str, *, reader: bool) -> object:
    with (db.reader() if reader else db.session()) as session:
        return session.execute(text(f"PRAGMA {name}")).scalar()


def test_both_engines_use_wal_and_the_default_page_cache(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        for reader in (False, True):
            assert _pragma(db, "journal_mode", reader=reader) == "wal"
            assert _pragma(db, "foreign_keys", reader=reader) == 1
            assert _pragma(db, "cache_size", reader=reader) == -SQLITE_CACHE_MIB * 1024
    finally:
        db.dispose()


def test_a_smaller_page_cache_applies_to_every_connection(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}", sqlite_cache_mib=4)
    try:
        for reader in (False, True):
            assert _pragma(db, "cache_size", reader=reader) == -4 * 1024
        # a second connection of the pool, opened while the first is in use, gets it too
        with db.reader() as outer, db.reader() as inner:
            assert outer.connection() is not inner.connection()
            assert inner.execute(text("PRAGMA cache_size")).scalar() == -4 * 1024
    finally:
        db.dispose()
