"""`pantau import` keeps each imported line byte-exact as the raw snapshot of the post it made."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import pantau
from sqlalchemy import select

from storage.db import Database
from storage.migrate import upgrade
from storage.models import Blob, Post, PostSnapshot, SnapshotRow


@pytest.fixture
def ready_db(db_url: str) -> str:
    database = Database(db_url)
    upgrade(database)
    database.dispose()
    return db_url


def _evidence(db_url: str) -> dict[str, list[tuple[bytes, str, int]]]:
    """external id → [(raw body, content type, post version)] in snapshot order."""
    database = Database(db_url)
    try:
        with database.reader() as session:
            rows = session.execute(
                select(Post.external_id, Blob.body, SnapshotRow.headers, PostSnapshot.post_version)
                .join(PostSnapshot, PostSnapshot.post_id == Post.id)
                .join(SnapshotRow, SnapshotRow.id == PostSnapshot.snapshot_id)
                .join(Blob, Blob.sha256 == SnapshotRow.sha256).order_by(SnapshotRow.id)).all()
    finally:
        database.dispose()
    out: dict[str, list[tuple[bytes, str, int]]] = {}
    for external_id, body, headers, version in rows:
        out.setdefault(external_id, []).append((bytes(body), headers["content-type"], version))
    return out


# Odd but valid bytes a re-serialisation would lose: spacing, escapes, key order, CRLF.
JSONL_LINES = [
    b'{"platform":"facebook","external_id":"a1","text":"Ayo coblos \\u2764 nomor 2",  "region":"Kab. Muna"}\n',
    b'{ "text" : "Salam \xf0\x9f\x97\xb3\xef\xb8\x8f dari Dinkes", "external_id": "a2", "platform": "facebook" }\r\n',
    b'{"platform":"facebook","external_id":"a3","text":"tanpa baris baru di akhir"}',
]


def test_every_imported_jsonl_line_is_the_posts_snapshot_byte_for_byte(ready_db: str, tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_bytes(b"".join(JSONL_LINES))
    code, _, err = pantau("--db", ready_db, "import", str(source), "--no-classify")
    assert code == 0, err
    evidence = _evidence(ready_db)
    for external_id, line in zip(("a1", "a2", "a3"), JSONL_LINES, strict=True):
        assert evidence[external_id] == [(line, "application/x-ndjson", 1)]


def test_a_csv_row_is_kept_with_its_header_exactly_as_written(ready_db: str, tmp_path: Path) -> None:
    header = b"platform,external_id,text,region\r\n"
    rows = [b'facebook,c1,"Ayo, coblos ""nomor 2""\r\nbaris kedua",Kab. Muna\r\n',
            b"facebook,c2,Salam \xf0\x9f\x97\xb3\xef\xb8\x8f,Kota Kendari\r\n"]
    source = tmp_path / "posts.csv"
    source.write_bytes(header + b"".join(rows))
    code, _, err = pantau("--db", ready_db, "import", str(source), "--no-classify")
    assert code == 0, err
    evidence = _evidence(ready_db)
    assert evidence["c1"] == [(header + rows[0], "text/csv", 1)]
    assert evidence["c2"] == [(header + rows[1], "text/csv", 1)]


def test_an_edited_reimport_adds_the_new_lines_snapshot_and_an_unchanged_one_adds_none(
        ready_db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b'{"platform":"facebook","external_id":"e1","text":"versi satu"}\n')
    second.write_bytes(b'{"platform":"facebook","external_id":"e1","text":"versi dua"}\n')
    for path in (first, first, second):
        assert pantau("--db", ready_db, "import", str(path), "--no-classify")[0] == 0
    evidence = _evidence(ready_db)["e1"]
    assert [(body, version) for body, _, version in evidence] == [
        (first.read_bytes(), 1), (second.read_bytes(), 2)]
