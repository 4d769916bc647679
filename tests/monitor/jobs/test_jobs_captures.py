"""The page-capture job: only flagged, not yet captured posts of capture-enabled sources get a
screenshot and a PDF, stored as their snapshots; a failure waits and is retried, and never
stops the other posts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from page_server import page_server

from monitor.config import load_settings
from monitor.jobs.captures import MAX_ATTEMPTS, capture_enabled, capture_pending, retry_at
from storage.captures import capture_state
from storage.db import Database
from storage.item_extras import post_snapshots
from storage.models import Blob
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, enqueue
from storage.sources import SourceDefinition, insert_source

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PAGE = b"<html><body><h1>Ayo coblos nomor 2</h1></body></html>"


pytestmark = pytest.mark.usefixtures("chromium_required")


def _settings(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings(cwd=tmp_path, environ={"PANTAU_HOME": str(tmp_path / "home"),
                                                "PANTAU_ALLOW_PRIVATE_NETWORKS": "1", **env})


def _source(db: Database, name: str, **options: object) -> int:
    with db.session() as session:
        return insert_source(session, SourceDefinition(name, "rss", f"https://{name}.example/feed",
                                                       900.0, options=options), now=NOW).id


def _post(db: Database, source_id: int, key: str, url: str, *, flagged: bool) -> int:
    with db.session() as session:
        stored = store_posts(session, [PostRecord(platform="web", external_id=key, url=url,
                                                  text=f"Ayo coblos {key}",
                                                  author=Author(handle=f"asn-{key}"))],
                             source_id=source_id)
        row = ScoreRow(stored[0].id, 1, "m1", 0.9 if flagged else 0.1, 0.5, flagged, None, [])
        add_scores(session, [row])
        if flagged:
            enqueue(session, [row])
        return stored[0].id


def _kinds(db: Database, post_id: int) -> dict[str, str]:
    with db.reader() as session:
        return {s.content_type: str(s.id) for s in post_snapshots(session, post_id)}


def test_only_flagged_posts_of_capture_enabled_sources_are_captured_once(
        tmp_path: Path, db: Database) -> None:
    with page_server({"/p": ("text/html", PAGE)}) as server:
        on, off, default = (_source(db, "on", capture=True), _source(db, "off", capture="false"),
                            _source(db, "plain"))
        wanted = _post(db, on, "1", server.url("/p"), flagged=True)
        unflagged = _post(db, on, "2", server.url("/p"), flagged=False)
        opted_out = _post(db, off, "3", server.url("/p"), flagged=True)
        by_default = _post(db, default, "4", server.url("/p"), flagged=True)
        settings = _settings(tmp_path)
        first = capture_pending(db, settings, now=NOW)
        again = capture_pending(db, settings, now=NOW + timedelta(hours=1))
    assert (first.captured, first.failed) == (1, 0)
    assert (again.captured, again.failed) == (0, 0)
    assert server.requests == ["/p"]
    assert set(_kinds(db, wanted)) == {"image/png", "application/pdf"}
    assert _kinds(db, unflagged) == _kinds(db, opted_out) == _kinds(db, by_default) == {}
    with db.reader() as session:
        state = capture_state(session, wanted)
        assert state is not None and state.status == "captured"
        for blob in session.query(Blob).all():  # every stored file is named by its own hash
            assert hashlib.sha256(blob.body).hexdigest() == blob.sha256


def test_the_global_setting_turns_capture_on_for_sources_without_the_option(
        tmp_path: Path, db: Database) -> None:
    with page_server({"/p": ("text/html", PAGE)}) as server:
        plain, off = _source(db, "plain"), _source(db, "off", capture=False)
        wanted = _post(db, plain, "1", server.url("/p"), flagged=True)
        opted_out = _post(db, off, "2", server.url("/p"), flagged=True)
        run = capture_pending(db, _settings(tmp_path, PANTAU_EVIDENCE__CAPTURE="true"), now=NOW)
    assert run.captured == 1
    assert set(_kinds(db, wanted)) == {"image/png", "application/pdf"} and not _kinds(db, opted_out)


def test_a_failing_page_is_recorded_retried_later_and_does_not_stop_the_others(
        tmp_path: Path, db: Database) -> None:
    with page_server({"/good": ("text/html", PAGE)}) as server:
        source = _source(db, "on", capture=True)
        bad = _post(db, source, "1", server.url("/missing"), flagged=True)
        good = _post(db, source, "2", server.url("/good"), flagged=True)
        settings = _settings(tmp_path)
        first = capture_pending(db, settings, now=NOW)
        with db.reader() as session:
            state = capture_state(session, bad)
        too_soon = capture_pending(db, settings, now=NOW + timedelta(seconds=1))
        server.pages["/missing"] = ("text/html", PAGE)  # the page is back
        due = capture_pending(db, settings, now=state.next_attempt_at if state else NOW)
    assert (first.captured, first.failed) == (1, 1)
    assert state is not None and state.status == "failed" and "404" in (state.last_error or "")
    assert state.next_attempt_at is not None and state.next_attempt_at > NOW
    assert (too_soon.captured, too_soon.failed) == (0, 0)
    assert due.captured == 1
    assert set(_kinds(db, bad)) == set(_kinds(db, good)) == {"image/png", "application/pdf"}


def test_a_refused_address_is_a_recorded_failure_not_a_fetch(tmp_path: Path, db: Database) -> None:
    with page_server({"/p": ("text/html", PAGE)}) as server:
        post = _post(db, _source(db, "on", capture=True), "1", server.url("/p"), flagged=True)
        run = capture_pending(db, _settings(tmp_path, PANTAU_ALLOW_PRIVATE_NETWORKS="0"), now=NOW)
    assert run.failed == 1 and server.requests == []
    with db.reader() as session:
        state = capture_state(session, post)
    assert state is not None and "PANTAU_ALLOW_PRIVATE_NETWORKS" in (state.last_error or "")


def test_waits_grow_and_end() -> None:
    waits = [retry_at(n, NOW) for n in range(1, MAX_ATTEMPTS + 1)]
    pending = [w for w in waits[:-1] if w is not None]
    assert len(pending) == MAX_ATTEMPTS - 1 and pending == sorted(set(pending))
    assert waits[-1] is None


@pytest.mark.parametrize(("options", "default", "expected"), [
    ({}, False, False), ({}, True, True), ({"capture": "true"}, False, True),
    ({"capture": False}, True, False), ({"capture": "maybe"}, True, True)])
def test_a_source_option_overrides_the_setting(options: dict[str, object], default: bool,
                                              expected: bool) -> None:
    assert capture_enabled(options, default) is expected


def test_the_captures_travel_in_the_bundle_with_their_hashes_in_the_manifest(
        tmp_path: Path, db: Database) -> None:
    import json
    import zipfile

    from monitor.evidence.keys import ensure_key
    from monitor.export import ExportFilter, verify_bundle
    from monitor.policy import Actor, Right
    from monitor.services import exports
    from storage.reviews import decide

    with page_server({"/p": ("text/html", PAGE)}) as server:
        post_id = _post(db, _source(db, "on", capture=True), "1", server.url("/p"), flagged=True)
        assert capture_pending(db, _settings(tmp_path), now=NOW).captured == 1
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="banner")
    out = tmp_path / "bukti.zip"
    exports.export(db, Actor("lead1", "user", "lead", 1, frozenset(Right)), "bundle", out,
                   ExportFilter(), signing_key=ensure_key(tmp_path / "home")[0], pdf=False)
    from storage.models import SnapshotRow

    with db.reader() as session:
        bodies = {}
        for shot in post_snapshots(session, post_id):
            row = session.get(SnapshotRow, shot.id)
            assert row is not None
            blob = session.get(Blob, row.sha256)
            assert blob is not None
            bodies[shot.content_type] = blob.body
    with zipfile.ZipFile(out) as archive:
        files = json.loads(archive.read("manifest.json"))["files"]
    for kind, extension in (("image/png", ".png"), ("application/pdf", ".pdf")):
        digest = hashlib.sha256(bodies[kind]).hexdigest()
        [name] = [n for n in files if n.endswith(extension) and "/snapshots/" in n]
        assert files[name]["sha256"] == digest
    assert verify_bundle(out).intact
