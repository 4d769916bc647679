"""The bulk write path (storage/dialect.py) on each backend: the rows go in exactly as given,
conflicts are skipped and not returned, and a value too long for its column is refused, never
cut (PostgreSQL's arrays are cast to the unbounded type so the insert itself checks lengths)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.dialect import bulk_insert_ignore, select_by_keys
from storage.models import AuthorRow, Blob, Post

AUTHORS = AuthorRow.__table__
POSTS = Post.__table__
NOW = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)


def _author(handle: str, platform: str = "x") -> dict[str, object]:
    return {"platform": platform, "handle": handle, "name": "Nama \"kutip\" \\ 'x' 🙏",
            "bio": "", "url": "", "asn_status": "unknown", "first_seen_at": NOW}


def test_conflicts_are_skipped_and_only_new_rows_returned(db: Database) -> None:
    with db.session() as session:
        conn = session.connection()
        first = bulk_insert_ignore(conn, AUTHORS, [_author("a"), _author("b")],
                                   ["platform", "handle"], returning=["handle"])
        again = bulk_insert_ignore(conn, AUTHORS, [_author("b"), _author("c"), _author("c")],
                                   ["platform", "handle"], returning=["handle"])
        found = select_by_keys(conn, AUTHORS, ["platform", "handle"],
                               [("x", "a"), ("x", "c"), ("x", "zz")], ["handle", "name", "first_seen_at"])
    assert sorted(first) == [("a",), ("b",)] and again == [("c",)]
    assert sorted(found) == [("a", "Nama \"kutip\" \\ 'x' 🙏", NOW), ("c", "Nama \"kutip\" \\ 'x' 🙏", NOW)]


def test_more_rows_than_one_statement_holds_all_arrive(db: Database) -> None:
    rows = [_author(f"h{i}") for i in range(12_001)]
    with db.session() as session:
        returned = bulk_insert_ignore(session.connection(), AUTHORS, rows, ["platform", "handle"],
                                      returning=["id"])
    assert len(returned) == 12_001


def test_json_bytes_and_nul_survive_the_round_trip(db: Database) -> None:
    with db.session() as session:
        conn = session.connection()
        bulk_insert_ignore(conn, Blob.__table__, [{"sha256": "0" * 64, "size": 3, "body": b"\x00\xff\x01"}],
                           ["sha256"])
        [(post_id,)] = bulk_insert_ignore(conn, POSTS, [{
            "platform": "x", "external_id": "j1", "text": "nul \x00 tetap", "collected_at": NOW,
            "media": [{"url": "https://e.org/a.jpg", "type": "image"}], "extra": {"n": 10**30},
            "content_sha256": "f" * 64, "version": 1, "status": "active"}],
            ["platform", "external_id"], returning=["id"])
        [(body,)] = select_by_keys(conn, Blob.__table__, ["sha256"], [("0" * 64,)], ["body"])
        [(text, media, extra)] = select_by_keys(conn, POSTS, ["platform", "external_id"],
                                                [("x", "j1")], ["text", "media", "extra"])
    assert body == b"\x00\xff\x01" and text == "nul \x00 tetap"
    assert media == [{"url": "https://e.org/a.jpg", "type": "image"}] and extra == {"n": 10**30}


def test_a_value_longer_than_its_column_is_refused_not_cut(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths: storage/validation.py checks them")
    with pytest.raises(DBAPIError, match="too long"), db.session() as session:
        bulk_insert_ignore(session.connection(), AUTHORS, [_author("a", platform="p" * 40)],
                           ["platform", "handle"])
