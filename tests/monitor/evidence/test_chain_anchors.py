"""Anchors kept outside the database catch what the chain alone cannot: re-chaining, truncation,
an emptied log. An intact log (also one that grew since) passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau
from sqlalchemy import delete, select

from monitor.evidence.anchor import AnchorError, anchor_job, read_anchor, write_anchor_into
from monitor.evidence.keys import ensure_key
from storage.audit import GENESIS, append_audit, entry_hash
from storage.db import Database
from storage.models import AuditEntry


@pytest.fixture
def deployment(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    _append(db, 5)
    return db


def _append(db: Database, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        with db.session() as session:
            append_audit(session, actor="ani", action="decide", entity="review", entity_id=i,
                         details={"decision": "confirmed", "n": i})


def _anchor(tmp_path: Path, name: str = "anchor.json") -> Path:
    out = tmp_path / "kept-elsewhere" / name
    out.parent.mkdir(exist_ok=True)
    code, stdout, _ = pantau("audit", "anchor", "--out", str(out), "--json")
    assert code == 0 and json.loads(stdout)["count"] >= 0
    return out


def _rechain(db: Database, edit_id: int) -> None:
    """What someone with write access does: edit one entry, recompute every hash after it."""
    with db.session() as session:
        previous = GENESIS
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if entry.id == edit_id:
                entry.details = {"decision": "rejected", "n": 0}
            entry.prev_hash = previous
            entry.hash = entry_hash(previous, entry)
            previous = entry.hash


def test_an_intact_log_matches_its_anchor_also_after_it_grew(deployment: Database,
                                                             tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    document = json.loads(anchor.read_text())
    assert document["count"] == 5 and document["entry_id"] and len(document["hash"]) == 64
    _append(deployment, 3, start=5)
    code, out, _ = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 0 and "intact: 8 entries (matches the anchor)" in out


def test_re_chaining_after_the_anchor_is_detected(deployment: Database, tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    _rechain(deployment, edit_id=2)
    assert pantau("audit", "verify")[0] == 0  # the chain alone cannot see it
    code, _, err = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 1 and "re-chained: entry" in err
    report = json.loads(pantau("audit", "verify", "--anchor", str(anchor), "--json")[1])
    assert not report["intact"] and report["anchor"]["problems"]


def test_a_cut_tail_is_detected(deployment: Database, tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    head = json.loads(anchor.read_text())["entry_id"]
    with deployment.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id >= head - 1))
    assert pantau("audit", "verify")[0] == 0
    code, _, err = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 1 and f"truncated: entry {head}" in err and "is gone" in err


def test_entries_removed_before_the_anchor_and_re_chained_are_detected(
        deployment: Database, tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    with deployment.session() as session:
        first = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).limit(1))
        session.execute(delete(AuditEntry).where(AuditEntry.id == first + 1))
    _rechain(deployment, edit_id=-1)
    code, _, err = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 1 and "re-chained" in err and "truncated: 4 entries" in err


def test_an_emptied_log_is_detected(deployment: Database, tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    with deployment.session() as session:
        session.execute(delete(AuditEntry))
    code, out, _ = pantau("audit", "verify")
    assert code == 0 and "intact: 0 entries" in out  # what the issue found
    code, _, err = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 1 and "the log is empty" in err


def test_an_altered_anchor_is_refused(deployment: Database, tmp_path: Path) -> None:
    anchor = _anchor(tmp_path)
    document = json.loads(anchor.read_text())
    document["count"] = 2  # to excuse a truncation
    anchor.write_text(json.dumps(document))
    code, _, err = pantau("audit", "verify", "--anchor", str(anchor))
    assert code == 2 and "is not signed by this deployment's key" in err


def test_an_anchor_of_another_deployment_is_refused(deployment: Database, tmp_path: Path) -> None:
    key, _ = ensure_key(tmp_path / "other-home")
    out = write_anchor_into(deployment, key, tmp_path / "anchors")
    with pytest.raises(AnchorError, match="another deployment"):
        read_anchor(out, ensure_key(tmp_path / "home")[0].public)
    code, _, err = pantau("audit", "verify", "--anchor", str(out))
    assert code == 2 and "not signed by this deployment's key" in err


@pytest.mark.parametrize("body", [b"", b"{}", b"[1]", b"\xff\xfe", b'{"format": "x"}'])
def test_a_file_that_is_not_an_anchor_is_a_clear_error(deployment: Database, tmp_path: Path,
                                                       body: bytes) -> None:
    _anchor(tmp_path)  # creates the key
    junk = tmp_path / "junk.json"
    junk.write_bytes(body)
    code, _, err = pantau("audit", "verify", "--anchor", str(junk))
    assert code == 2 and "is not a Pantau audit anchor" in err


def test_an_anchor_of_an_empty_log(db: Database, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    with db.session() as session:
        session.execute(delete(AuditEntry))
    anchor = _anchor(tmp_path)
    assert json.loads(anchor.read_text())["entry_id"] is None
    _append(db, 2)
    assert pantau("audit", "verify", "--anchor", str(anchor))[0] == 0


def test_periodic_anchors_land_in_their_folder(deployment: Database, tmp_path: Path) -> None:
    key, _ = ensure_key(tmp_path / "home")
    first = write_anchor_into(deployment, key, tmp_path / "anchors")
    _append(deployment, 1, start=9)
    second = write_anchor_into(deployment, key, tmp_path / "anchors")
    assert first != second and read_anchor(second, key.public).count == 6


def test_a_broken_chain_is_never_anchored(deployment: Database, tmp_path: Path) -> None:
    with deployment.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(1)).one()
        entry.details = {"decision": "rejected"}
    out = tmp_path / "anchor.json"
    code, _, err = pantau("audit", "anchor", "--out", str(out))
    assert code == 1 and "is broken at entry" in err and not out.exists()


def test_the_periodic_job_writes_anchors_and_never_raises(deployment: Database,
                                                          tmp_path: Path) -> None:
    out = anchor_job(deployment, tmp_path / "home", tmp_path / "anchors")
    assert out is not None and read_anchor(out, ensure_key(tmp_path / "home")[0].public).count == 5
    with deployment.session() as session:
        session.scalars(select(AuditEntry).limit(1)).one().details = {"edited": True}
    assert anchor_job(deployment, tmp_path / "home", tmp_path / "anchors") is None
    assert len(list((tmp_path / "anchors").iterdir())) == 1


def test_an_anchor_that_cannot_be_written_is_said_by_a_short_reason(
        deployment: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's words ("No such file or directory") are said as a short reason in the
    reader's language, the path kept: Indonesian by default, English with PANTAU_LANG=en."""
    out = tmp_path / "no" / "such" / "anchor.json"
    code, _, err = pantau("audit", "anchor", "--out", str(out))
    assert code == 2 and f"cannot write {out}: file not found" in err
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, _, err = pantau("audit", "anchor", "--out", str(out))
    assert code == 2 and f"tidak dapat menulis {out}: berkas tidak ditemukan" in err
    assert "No such file" not in err


def test_an_anchor_that_cannot_be_read_is_said_by_a_short_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trusted = ensure_key(tmp_path / "home")[0].public
    absent = tmp_path / "absent.json"
    with pytest.raises(AnchorError) as refused:
        read_anchor(absent, trusted)
    assert str(refused.value) == f"cannot read the anchor {absent}: file not found"
    monkeypatch.delenv("PANTAU_LANG")
    with pytest.raises(AnchorError) as refused:
        read_anchor(absent, trusted)
    assert str(refused.value) == f"jangkar {absent} tidak dapat dibaca: berkas tidak ditemukan"
