"""Opening the database for a command or for a long-running service: the service's pooled
connections each keep a small SQLite page cache, so `pantau run`'s memory does not grow with
the database (issue 14's soak); the one-shot commands keep the bulk-sized cache."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from monitor.config import load_settings
from monitor.services.runtime import SERVICE_SQLITE_CACHE_MIB, open_database
from storage.db import SQLITE_CACHE_MIB


def _cache_mib(tmp_path: Path, *, service: bool) -> float:
    settings = load_settings(environ={"PANTAU_HOME": str(tmp_path)}, cwd=tmp_path)
    db = open_database(settings, migrated=False, service=service)
    try:
        with db.reader() as session:
            return -int(session.execute(text("PRAGMA cache_size")).scalar_one()) / 1024
    finally:
        db.dispose()


def test_a_service_opens_sqlite_with_a_small_page_cache(tmp_path: Path) -> None:
    assert SERVICE_SQLITE_CACHE_MIB < SQLITE_CACHE_MIB
    assert _cache_mib(tmp_path, service=True) == SERVICE_SQLITE_CACHE_MIB


def test_a_command_keeps_the_bulk_page_cache(tmp_path: Path) -> None:
    assert _cache_mib(tmp_path, service=False) == SQLITE_CACHE_MIB
