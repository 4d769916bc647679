"""Make tests/monitor's helpers (cli_runner) importable when this folder runs on its own."""

import sys
from pathlib import Path

_MONITOR_TESTS = str(Path(__file__).resolve().parents[1])
if _MONITOR_TESTS not in sys.path:
    sys.path.insert(0, _MONITOR_TESTS)


from datetime import UTC, datetime

import pytest

from storage.db import Database
from storage.models import Blob, SnapshotRow
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue

RAW = b"<html><body><p>Ayo coblos nomor 2! Salam dari Dinkes Muna</p></body></html>"


@pytest.fixture
def decided(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A deployment (home + database) with two decided items and a raw snapshot."""
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    with db.session() as session:
        session.add(Blob(sha256="ab" * 32, size=len(RAW), body=RAW))
        snapshot = SnapshotRow(url="https://fb.example/p/1", status=200, headers={},
                            sha256="ab" * 32, fetched_at=datetime.now(UTC))
        session.add(snapshot)
        session.flush()
        records = [PostRecord(platform="facebook", external_id=str(i), region="Kab. Muna",
                              text=f"Ayo coblos nomor {i}!", author=Author(handle=f"asn{i}"))
                   for i in range(2)]
        stored = store_posts(session, records, snapshot_ids=[snapshot.id] * 2)
        rows = [ScoreRow(s.id, 1, "m1", 0.9, 0.5, True, "social_media_campaign", [["coblos", 0.4]])
                for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="social_media_campaign")
        decide(session, 2, decision="rejected", reviewer="budi")
    return db



@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English messages (the Indonesian ones come from the catalog)."""
    monkeypatch.setenv("PANTAU_LANG", "en")
