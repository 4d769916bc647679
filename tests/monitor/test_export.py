"""Exports: CSV/JSONL of decisions, evidence bundles that `pantau verify` checks file by file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import pantau

from storage.db import Database
from storage.models import Blob, SnapshotRow
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue

RAW = b"<html><body><p>=HYPERLINK(\"http://evil\") Ayo coblos nomor 2!</p></body></html>"


@pytest.fixture
def decided(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    with db.session() as session:
        session.add(Blob(sha256="ab" * 32, size=len(RAW), body=RAW))
        snapshot = SnapshotRow(url="https://fb.example/p/1", status=200, headers={}, sha256="ab" * 32,
                            fetched_at=datetime.now(UTC))
        session.add(snapshot)
        session.flush()
        records = [PostRecord(platform="facebook", external_id=str(i), region="Kab. Muna",
                              text="=HYPERLINK(\"http://evil\") Ayo coblos nomor 2!" if i == 0 else f"post {i}",
                              author=Author(handle=f"asn{i}", bio="PNS Dinkes Muna")) for i in range(3)]
        stored = store_posts(session, records, snapshot_ids=[snapshot.id] * 3)
        rows = [ScoreRow(s.id, 1, "m1", 0.9 - i / 10, 0.5, True, "social_media_campaign", [["coblos", 0.4]])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="social_media_campaign",
               note="jelas ASN")
        decide(session, 2, decision="rejected", reviewer="budi")
    return db


def test_csv_export_of_confirmed_items_defuses_formulas(decided: Database, tmp_path: Path) -> None:
    out = tmp_path / "confirmed.csv"
    assert pantau("export", "--format", "csv", "--status", "confirmed", "--out", str(out))[0] == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 1 and rows[0]["reviewer"] == "ani" and rows[0]["note"] == "jelas ASN"
    assert rows[0]["text"].startswith("'=HYPERLINK")


def test_jsonl_export_carries_the_decision_trail_and_snapshots(decided: Database, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    pantau("export", "--format", "jsonl", "--region", "kab. MUNA", "--out", str(out))
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [i["status"] for i in items] == ["confirmed", "rejected"]  # reviewed only: no pending
    assert items[0]["decisions"][0]["reviewer"] == "ani"
    assert items[0]["snapshots"][0]["sha256"] == "ab" * 32 and len(items[0]["content_sha256"]) == 64


def test_a_bundle_verifies_and_every_tampering_is_named(decided: Database, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    code, out, _ = pantau("export", "--format", "bundle", "--status", "confirmed", "--out", str(bundle), "--json")
    assert code == 0 and json.loads(out)["items"] == 1
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read(f"posts/1/snapshots/{'ab' * 32}.html") == RAW
        names = archive.namelist()
    code, out, _ = pantau("verify", str(bundle), "--json")
    report = json.loads(out)
    assert code == 0 and report["intact"] and report["recorded_export"]["audit_entry"]

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in names:
            if name == "items.csv":
                continue  # removed
            body = src.read(name)
            dst.writestr(name, body.replace(b"jelas ASN", b"tidak ASN") if name == "items.jsonl" else body)
        dst.writestr("notes.txt", b"added later")
    code, _, err = pantau("verify", str(tampered))
    assert code == 1
    assert "altered file: items.jsonl" in err and "missing file: items.csv" in err
    assert "extra file: notes.txt" in err


def test_verify_refuses_something_that_is_not_a_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    code, _, err = pantau("verify", str(junk))
    assert code == 1 and "not a readable ZIP" in err


def test_a_rehashed_forgery_is_refused_where_the_database_is_at_hand(decided: Database, tmp_path: Path) -> None:
    import hashlib

    bundle, forged = tmp_path / "evidence.zip", tmp_path / "forged.zip"
    pantau("export", "--format", "bundle", "--out", str(bundle))
    with zipfile.ZipFile(bundle) as src:
        files = {name: src.read(name) for name in src.namelist()}
    files["items.jsonl"] = files["items.jsonl"].replace(b'"confirmed"', b'"rejected"')
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["items.jsonl"]["sha256"] = hashlib.sha256(files["items.jsonl"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(forged, "w") as dst:
        for name, body in files.items():
            dst.writestr(name, body)
    code, _, err = pantau("verify", str(forged))
    assert code == 1 and "not recorded in this database's audit log" in err


def test_a_manifest_of_the_wrong_shape_is_named_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("manifest.json", json.dumps({"files": ["items.jsonl"], "items": "many"}))
    code, _, err = pantau("verify", str(bad))
    assert code == 1 and "not a valid manifest" in err


def test_excel_csv_has_a_bom_indonesian_headers_and_local_times_to_the_second(
        decided: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_LANG", "id")
    out = tmp_path / "untuk-excel.csv"
    code, _, err = pantau("export", "--format", "csv", "--excel", "--status", "confirmed",
                          "--out", str(out))
    assert code == 0, err
    body = out.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:4] == ["ID tinjauan", "Status", "Kategori KASN", "Peninjau"]
    assert "Diputuskan (WITA)" in header and "Teks" in header
    decided_at = row["Diputuskan (WITA)"]
    assert len(decided_at) == 19 and "." not in decided_at and "+" not in decided_at
    assert row["Teks"].startswith("'=HYPERLINK")  # formula injection still defused


def test_excel_needs_the_csv_format(decided: Database, tmp_path: Path) -> None:
    code, _, err = pantau("export", "--format", "jsonl", "--excel", "--out", str(tmp_path / "x"))
    assert code == 2 and "--excel" in err


def test_out_dash_writes_the_export_to_standard_output(decided: Database) -> None:
    code, out, err = pantau("export", "--format", "jsonl", "--status", "confirmed", "--out", "-")
    assert code == 0
    (item,) = [json.loads(line) for line in out.splitlines()]
    assert item["reviewer"] == "ani" and "exported 1 items to -" in err


def test_an_empty_export_says_so_and_succeeds(decided: Database, tmp_path: Path) -> None:
    out = tmp_path / "kosong.csv"
    code, _, err = pantau("export", "--format", "csv", "--region", "Kab. Tidak Ada", "--out", str(out))
    assert code == 0 and "no items matched the filter" in err
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(
        ["review_id", "status", "category", "reviewer", "decided_at", "note", "score",
         "model_version", "platform", "external_id", "url", "author_handle", "author_name",
         "author_bio", "region", "posted_at", "collected_at", "text", "content_sha256"])]


def test_status_pending_still_exports_the_unreviewed_items(decided: Database, tmp_path: Path) -> None:
    out = tmp_path / "pending.jsonl"
    assert pantau("export", "--format", "jsonl", "--status", "pending", "--out", str(out))[0] == 0
    assert [json.loads(line)["status"] for line in out.read_text().splitlines()] == ["pending"]
