"""Decisions, users and sources rows are bound to the audit chain: editing, deleting or inserting
one with raw SQL is found by the verification, naming the row and the entry that recorded it."""

from __future__ import annotations

from pathlib import Path

import pytest
from services_helpers import flagged_items, last_audit, person
from sqlalchemy import text

from monitor.config import SourceSpec, load_settings
from monitor.policy import operator_actor
from monitor.services import review, sources, users
from monitor.services.exports import verify_audit
from storage.db import Database

LOCAL = operator_actor(users_exist=True)


def check(db: Database):  # type: ignore[no-untyped-def]
    return verify_audit(db, LOCAL)


def raw(db: Database, sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def decided(db: Database) -> tuple[int, int]:
    """One decision recorded through the use case: (review id, its audit entry id)."""
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    review.decide(db, sari, item, decision="confirmed", category="banner")
    return item, last_audit(db).id


def test_an_untouched_installation_verifies(db: Database, decided: tuple[int, int]) -> None:
    result = check(db)
    assert result.intact and result.entries >= 1 and result.row_problems == ()


def test_an_edited_decision_is_named_with_its_entry(db: Database, decided: tuple[int, int]) -> None:
    _, entry = decided
    raw(db, "UPDATE review_decisions SET reviewer = 'mallory'")
    [problem] = check(db).row_problems
    assert (problem.table, problem.row_id, problem.entry_id) == ("review_decisions", 1, entry)
    assert "edited" in problem.reason and "review_decisions row 1 (audit entry" in problem.describe()
    assert check(db).chain_break is None  # the log itself is intact: only the row changed


def test_a_deleted_decision_is_named(db: Database, decided: tuple[int, int]) -> None:
    _, entry = decided
    raw(db, "DELETE FROM review_decisions")
    [problem] = check(db).row_problems
    assert (problem.table, problem.row_id, problem.entry_id) == ("review_decisions", 1, entry)
    assert "deleted" in problem.reason


def test_an_inserted_decision_is_named(db: Database, decided: tuple[int, int]) -> None:
    item, _ = decided
    raw(db, "INSERT INTO review_decisions (id, review_id, decision, previous_status, reviewer, "
            "decided_at, review_version) VALUES (50, :item, 'confirmed', "
            "'awaiting_second_review', 'mallory', '2024-11-20 10:00:00', 3)", item=item)
    [problem] = check(db).row_problems
    assert (problem.table, problem.row_id, problem.entry_id) == ("review_decisions", 50, None)
    assert "inserted" in problem.reason


def test_a_user_given_another_role_behind_pantaus_back_is_named(db: Database) -> None:
    users.add_user(db, LOCAL, "sari", "rahasia-panjang-1", "monitor")
    entry = last_audit(db).id
    raw(db, "UPDATE users SET role = 'admin' WHERE username = 'sari'")
    [problem] = check(db).row_problems
    assert (problem.table, problem.entry_id) == ("users", entry) and "edited" in problem.reason


def test_users_inserted_or_deleted_behind_pantaus_back_are_named(db: Database) -> None:
    users.add_user(db, LOCAL, "sari", "rahasia-panjang-1", "monitor")
    raw(db, "DELETE FROM users WHERE username = 'sari'")
    raw(db, "INSERT INTO users (id, username, password_hash, role, active, created_at) "
            "VALUES (77, 'mallory', 'x', 'admin', true, '2024-11-20 10:00:00')")
    problems = {(p.table, p.row_id, p.reason.split("(")[-1]) for p in check(db).row_problems}
    assert problems == {("users", 1, "deleted)"), ("users", 77, "inserted outside Pantau)")}


def test_a_changed_source_is_named_but_its_health_may_change(db: Database, tmp_path: Path) -> None:
    settings = load_settings(None, database_url=db.url)
    spec = SourceSpec(name="warta", type="rss", url="https://warta.example/feed.xml")
    sources.add_source(db, LOCAL, spec, settings, base=tmp_path)
    entry = last_audit(db).id
    raw(db, "UPDATE sources SET last_error = 'timeout', consecutive_failures = 3")
    assert check(db).intact  # health is not evidence
    raw(db, "UPDATE sources SET url = 'https://evil.example/feed.xml'")
    [problem] = check(db).row_problems
    assert (problem.table, problem.entry_id) == ("sources", entry) and "edited" in problem.reason


def test_legitimate_changes_keep_the_rows_verified(db: Database, tmp_path: Path) -> None:
    settings = load_settings(None, database_url=db.url)
    sources.add_source(db, LOCAL, SourceSpec(name="warta", type="rss",
                                             url="https://warta.example/feed.xml"), settings)
    sources.set_enabled(db, LOCAL, "warta", False)
    sources.remove_source(db, LOCAL, "warta")
    sources.add_source(db, LOCAL, SourceSpec(name="warta", type="rss",
                                             url="https://warta.example/atom.xml"), settings)
    admin = person(db, "adi", "admin")
    users.add_user(db, admin, "sari", "rahasia-panjang-1", "monitor")
    users.set_role(db, admin, "sari", "lead")
    users.deactivate(db, admin, "sari")
    assert check(db).intact
