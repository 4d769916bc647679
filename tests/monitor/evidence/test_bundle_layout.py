"""The evidence bundle a reviewer hands over: its layout (interfaces.md §7), a finding report per
folder that a PDF reader can read back, hostile text escaped, every tampering named."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bundle_helpers import flip_byte, read_bundle, rehash, write_bundle
from cli_runner import pantau
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.evidence.report import EvidenceFile, render_case
from monitor.export import ExportFilter
from monitor.policy import Actor, Right
from monitor.services import exports
from storage.db import Database
from storage.models import Blob, SnapshotRow
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue

HOSTILE = 'Ayo coblos nomor 2! <script>alert("x")</script><img src=x onerror=alert(1)> &amp; "Muna"'
PAGE = b"<html><body><p>Ayo coblos nomor 2! Salam dari Dinkes Muna</p></body></html>"
FEED = b'<?xml version="1.0"?><rss><channel><item>Ayo coblos</item></channel></rss>'
LEAD = Actor("lead1", "user", "lead", 1, frozenset(Right))


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@pytest.fixture
def finding(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """One confirmed finding with hostile text, two raw snapshots (HTML, RSS), an edit; one
    rejected post; one pending post (not reviewed: never exported without --status)."""
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    with db.session() as session:
        ids = []
        for body, headers in ((PAGE, {"Content-Type": "text/html; charset=utf-8"}),
                              (FEED, {"content-type": "application/rss+xml"})):
            session.add(Blob(sha256=_sha(body), size=len(body), body=body))
            row = SnapshotRow(url="https://fb.example/p/1", status=200, headers=headers,
                              sha256=_sha(body), fetched_at=datetime(2024, 11, 20, 3, tzinfo=UTC))
            session.add(row)
            session.flush()
            ids.append(row.id)
        author = Author(handle="budi.asn", name="Budi Santoso", bio="PNS Dinas Kesehatan Kab. Muna")
        first = PostRecord(platform="facebook", external_id="1", region="Kab. Muna",
                           url="https://fb.example/p/1", text="Versi awal: ayo coblos",
                           posted_at=datetime(2024, 11, 20, 2, tzinfo=UTC), author=author)
        store_posts(session, [first], snapshot_ids=[ids[0]])
        edited = dataclasses.replace(first, text=HOSTILE)
        others = [PostRecord(platform="facebook", external_id=str(i), region="Kab. Muna",
                             text=f"post {i}", author=Author(handle=f"asn{i}")) for i in (2, 3)]
        stored = store_posts(session, [edited, *others], snapshot_ids=[ids[1], None, None])
        rows = [ScoreRow(s.id, s.version, "m-2024-11", 0.93, 0.5, True, "social_media_campaign",
                         [["coblos", 0.41]]) for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="social_media_campaign",
               note="jelas ASN")
        decide(session, 2, decision="rejected", reviewer="budi")
    return db


def _export(out: Path) -> dict[str, object]:
    code, stdout, err = pantau("export", "--format", "bundle", "--out", str(out), "--json")
    assert code == 0, err
    return dict(json.loads(stdout))


@pytest.fixture
def bundle(finding: Database, tmp_path: Path) -> Path:
    out = tmp_path / "bukti.zip"
    _export(out)
    return out


def _folder(files: dict[str, bytes], status: str) -> str:
    """The folder of the item with this status (post ids differ between backends)."""
    items = [json.loads(line) for line in files["items.jsonl"].splitlines()]
    return next(f"posts/{i['post_id']}" for i in items if i["status"] == status)


def _fingerprint() -> str:
    code, stdout, _ = pantau("keys", "show", "--json")
    assert code == 0
    return str(json.loads(stdout)["fingerprint"])


def test_the_bundle_has_the_documented_layout_and_verifies(bundle: Path) -> None:
    files = read_bundle(bundle)
    root = {"README.txt", "summary.html", "summary.pdf", "items.csv", "items.jsonl",
            "manifest.json", "manifest.sig", "public_key.pem"}
    assert root <= set(files)
    assert _folder(files, "confirmed") == "posts/1"
    for folder in ("posts/1", _folder(files, "rejected")):
        assert {f"{folder}/case.json", f"{folder}/report.html", f"{folder}/report.pdf"} <= set(files)
    assert files[f"posts/1/snapshots/{_sha(PAGE)}.html"] == PAGE
    assert files[f"posts/1/snapshots/{_sha(FEED)}.xml"] == FEED
    assert len({name.split("/")[1] for name in files if name.startswith("posts/")}) == 2  # no pending
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["files"]) == set(files) - {"manifest.json", "manifest.sig"}
    for name, entry in manifest["files"].items():
        assert entry == {"sha256": _sha(files[name]), "size": len(files[name])}
    assert manifest["exported_by"] == "operator" or manifest["exported_by"]
    assert manifest["filter"]["reviewed_only"] is True and manifest["items"] == 2
    assert manifest["pantau_version"] and manifest["exported_at"]
    code, out, err = pantau("verify", str(bundle), "--public-key", _fingerprint())
    assert code == 0, err
    assert "intact: 2 items" in out


def test_case_json_holds_every_version_score_decision_and_evidence_file(bundle: Path) -> None:
    files = read_bundle(bundle)
    case = json.loads(files["posts/1/case.json"])
    assert case["case"] is None and case["folder"] == "posts/1"  # no case yet: additive later
    (post,) = case["posts"]
    assert [v["text"] for v in post["versions"]] == ["Versi awal: ayo coblos", HOSTILE]
    assert [(s["model_version"], s["post_version"]) for s in post["scores"]] == [("m-2024-11", 2)]
    assert [(d["decision"], d["reviewer"]) for d in post["decisions"]] == [("confirmed", "ani")]
    assert post["decisions"][0]["decided_at"]
    listed = {f["path"]: f["sha256"] for f in case["evidence_files"]}
    assert listed == {f"posts/1/snapshots/{_sha(PAGE)}.html": _sha(PAGE),
                      f"posts/1/snapshots/{_sha(FEED)}.xml": _sha(FEED)}


def test_the_pdf_report_reads_back_with_the_text_the_terlapor_and_every_sha256(bundle: Path) -> None:
    from pypdf import PdfReader

    files = read_bundle(bundle)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["posts/1/report.pdf"])).pages)
    flat = re.sub(r"\s+", "", text)
    assert "Budi Santoso" in text and "budi.asn" in text and "PNS Dinas Kesehatan" in text
    assert re.sub(r"\s+", "", HOSTILE) in flat
    assert "Formulir temuan" in text or "FORMULIR TEMUAN" in text
    for name in (f"posts/1/snapshots/{_sha(PAGE)}.html", f"posts/1/snapshots/{_sha(FEED)}.xml",
                 "posts/1/case.json"):
        assert _sha(files[name]) in flat, name
    assert _fingerprint() in flat
    summary = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["summary.pdf"])).pages)
    assert "posts/1" in summary and _folder(files, "rejected") in summary


def test_hostile_post_text_is_escaped_in_the_report_html(bundle: Path) -> None:
    html = read_bundle(bundle)["posts/1/report.html"].decode("utf-8")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&amp;amp;" in html  # an entity in the text stays text


def _report_of(text: str) -> str:
    post = {"post_id": 7, "status": "confirmed", "category": None, "score": None,
            "model_version": None, "explanation": [], "post_status": "active", "snapshots": [],
            "decisions": [], "author_asn_status": None,
            "post": {"platform": "x", "external_id": "7", "text": text, "author": {"name": text}},
            "versions": [{"version": 1, "text": text, "collected_at": None, "replaced_at": None}]}
    return render_case(folder="posts/7", case=None, posts=[post],
                       files=[EvidenceFile("posts/7/case.json", "0" * 64, 1, text)],
                       fingerprint="f" * 64, zone="Asia/Makassar",
                       exported_at="2024-11-20T00:00:00+00:00", exported_by=text, pdf_note=None)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1))
def test_any_post_text_reaches_the_report_only_escaped(text: str) -> None:
    from markupsafe import escape

    html = _report_of(text)
    assert str(escape(text)) in html
    assert html.count("<") == _report_of("x").count("<")  # no text can add a tag


@pytest.mark.parametrize("target", ["case.json", "report.html", "report.pdf", "snapshot",
                                    "summary.pdf", "README.txt", "items.csv"])
def test_flipping_one_byte_of_any_file_is_named(bundle: Path, tmp_path: Path, target: str) -> None:
    files = read_bundle(bundle)
    name = {"snapshot": f"posts/1/snapshots/{_sha(PAGE)}.html"}.get(
        target, target if "/" in target or target in files else f"posts/1/{target}")
    forged = write_bundle(tmp_path / "forged.zip", files | {name: flip_byte(files[name])})
    code, _, err = pantau("verify", str(forged))
    assert code == 1 and f"altered file: {name}" in err


def test_deleting_adding_and_rehashing_are_each_named(bundle: Path, tmp_path: Path) -> None:
    files = read_bundle(bundle)
    report = f"{_folder(files, 'rejected')}/report.pdf"
    removed = write_bundle(tmp_path / "removed.zip", {k: v for k, v in files.items() if k != report})
    code, _, err = pantau("verify", str(removed))
    assert code == 1 and f"missing file: {report}" in err
    added = write_bundle(tmp_path / "added.zip", files | {"posts/1/snapshots/extra.html": b"<p>"})
    code, _, err = pantau("verify", str(added))
    assert code == 1 and "extra file: posts/1/snapshots/extra.html" in err
    edited = files | {"posts/1/case.json": files["posts/1/case.json"].replace(b"jelas ASN", b"tidak ASN")}
    rehashed = write_bundle(tmp_path / "rehashed.zip", rehash(edited))
    code, _, err = pantau("verify", str(rehashed), "--public-key", _fingerprint())
    assert code == 1 and "bad signature" in err


def test_without_chromium_the_export_writes_html_and_says_the_pdf_is_missing(
        finding: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "tanpa-pdf.zip"
    code, stdout, err = pantau("export", "--format", "bundle", "--out", str(out), "--json")
    assert code == 0 and json.loads(stdout)["pdf"] is False
    files = read_bundle(out)
    assert "posts/1/report.html" in files and not any(n.endswith(".pdf") for n in files)
    manifest = json.loads(files["manifest.json"])
    assert manifest["reports"]["pdf"] is False and "Chromium not found" in manifest["reports"]["pdf_missing"]
    assert "PDF" in files["README.txt"].decode() and "Chromium not found" in files["README.txt"].decode()
    assert pantau("verify", str(out))[0] == 0


def test_the_use_case_reports_progress_up_to_the_total(finding: Database, tmp_path: Path) -> None:
    from monitor.evidence.keys import ensure_key

    key, _ = ensure_key(tmp_path / "keys")
    seen: list[tuple[int, int]] = []
    summary = exports.export(finding, LEAD, "bundle", tmp_path / "b.zip", ExportFilter(),
                             signing_key=key, pdf=False, progress=lambda d, t: seen.append((d, t)))
    assert summary["items"] == 2 and seen[0] == (0, 2) and seen[-1] == (2, 2)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_bundle_can_be_written_to_standard_output(finding: Database, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    result = CliRunner().invoke(cli, ["export", "--format", "bundle", "--out", "-"])
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "from-stdout.zip"
    path.write_bytes(result.stdout_bytes)
    with zipfile.ZipFile(path) as archive:
        assert "posts/1/case.json" in archive.namelist()
    assert pantau("verify", str(path))[0] == 0
