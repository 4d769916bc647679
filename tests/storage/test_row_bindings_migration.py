"""Rows written before rows were bound to the audit chain are covered by the migration, so they
verify afterwards and a later edit of them is still found."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage.audit import verify_log
from storage.db import Database
from storage.migrate import _config, upgrade


def test_rows_from_before_revision_0002_are_bound_by_the_migration(db_url: str) -> None:
    db = Database(db_url)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO users (username, password_hash, role, active, created_at) "
                          "VALUES ('ani', 'x', 'lead', true, '2024-11-20 10:00:00')"))
        conn.execute(text(
            "INSERT INTO sources (name, type, url, interval_seconds, options, enabled, origin, "
            "asn_status, cursor, created_at, consecutive_failures, posts_collected) VALUES "
            "('warta', 'rss', 'https://warta.example/feed', 900, '{}', true, 'cli', 'unknown', "
            "'{}', '2024-11-20 10:00:00', 0, 0)"))
    upgrade(db)
    with db.reader() as session:
        check = verify_log(session)
    assert check.intact and check.entries == 1
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE users SET role = 'admin'"))
    with db.reader() as session:
        [problem] = verify_log(session).row_problems
    assert (problem.table, problem.entry_id) == ("users", 1)
    db.dispose()


def test_a_fresh_database_gets_no_binding_entry(db: Database) -> None:
    with db.reader() as session:
        assert verify_log(session).entries == 0
