"""Exports from the web app: a lead exports the queue's current filter as a bundle or CSV, built
in the background, watches its progress on a page that refreshes itself, and downloads it; the
download is audited with who took it, and only the owner or a lead/admin may take it."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import csrf_of, login, make_app, post, seed, staff

from monitor.evidence.verify import verify_bundle_file
from storage.db import Database
from storage.models import AuditEntry


@pytest.fixture
def app(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    staff(db, "monitor", "lead", "lead2", "admin")
    seed(db, [post(1), post(2, region="Kabupaten Konawe"), post(3)])
    return make_app(db, tmp_path)


def _finished(client: TestClient, location: str) -> str:
    """The progress page, followed until it stops refreshing itself (a bundle prints its PDF
    reports in Chromium: allow it a minute on a loaded machine)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page = client.get(location)
        assert page.status_code == 200
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError("the export never finished")


def _start(client: TestClient, **form: str) -> str:
    token = csrf_of(client)
    response = client.post("/exports", data={"csrf_token": token, **form}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = response.headers["location"]
    assert re.fullmatch(r"/exports/\d+", location)
    return location


def test_the_queue_offers_the_export_to_those_with_the_right(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        assert 'action="/exports"' in client.get("/queue").text
    with TestClient(app) as client:
        login(client, "monitor")
        assert 'action="/exports"' not in client.get("/queue").text


def test_a_bundle_of_the_filter_is_built_shown_and_downloaded_with_an_audit_entry(
        app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        location = _start(client, format="bundle", status="pending", region="Kota Kendari")
        page = _finished(client, location)
        assert "/download" in page
        download = client.get(f"{location}/download")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert "attachment" in download.headers["content-disposition"]
    bundle = Path(app.state.settings.exports_dir) / "downloaded.zip"
    bundle.write_bytes(download.content)
    verdict = verify_bundle_file(bundle)
    assert verdict.intact, verdict.problems
    assert verdict.items == 2  # the two pending posts of Kota Kendari
    with db.reader() as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(("export", "export.download"))).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries] == [("export", "lead"), ("export.download", "lead")]


def test_a_csv_export_holds_the_filtered_rows(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        location = _start(client, format="csv", status="pending", region="Kabupaten Konawe")
        _finished(client, location)
        download = client.get(f"{location}/download")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one Konawe post


@pytest.mark.parametrize(("form", "expected"), [
    ({"platform": "x"}, 1), ({"min_score": "0.95"}, 0), ({"since": "2024-11-21"}, 1),
    ({"until": "2024-11-20"}, 2), ({"category": "banner"}, 0),
])
def test_the_export_takes_the_queues_other_filters(db: Database, tmp_path: Path,
                                                   form: dict[str, str], expected: int) -> None:
    staff(db, "lead")
    seed(db, [post(1), post(2), post(3, platform="x", posted_at="2024-11-22T01:00:00Z")])
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "lead")
        location = _start(client, format="csv", status="pending", **form)
        _finished(client, location)
        download = client.get(f"{location}/download")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == expected, rows


def test_another_lead_or_an_admin_may_download_a_monitor_may_not(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        location = _start(client, format="bundle", status="pending")
        _finished(client, location)
    for user, expected in (("lead2", 200), ("admin", 200), ("monitor", 403)):
        with TestClient(app) as client:
            login(client, user)
            assert client.get(f"{location}/download").status_code == expected, user


def test_an_unknown_format_is_refused_and_an_unknown_job_is_not_found(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        token = csrf_of(client)
        refused = client.post("/exports", data={"csrf_token": token, "format": "exe"},
                              follow_redirects=False)
        assert refused.status_code == 422
        assert client.get("/exports/999").status_code == 404
        assert client.get("/exports/999/download").status_code == 404


def test_the_export_form_needs_the_csrf_token(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        response = client.post("/exports", data={"format": "csv"}, follow_redirects=False)
    assert response.status_code == 403


def test_a_failed_export_says_why(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    exports_dir = Path(app.state.settings.exports_dir)
    exports_dir.parent.mkdir(parents=True, exist_ok=True)
    exports_dir.write_text("a file where the folder should be")
    with TestClient(app) as client:
        login(client, "lead")
        page = _finished(client, _start(client, format="csv", status="pending"))
    assert 'role="alert"' in page and "/download" not in page
