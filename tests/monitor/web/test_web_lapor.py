"""The confidential channel and the public statistics over HTTP: what is stored (and what is
not), limits, the follow-up code, leads' audited access, anonymised counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import csrf_from, csrf_of, login, make_app, post, review_ids, seed, staff

from monitor.policy import user_actor
from monitor.services.review import decide
from storage.db import Database
from storage.models import AuditEntry, ConfidentialReport

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _report(client: TestClient, files: dict | None = None, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/lapor").text)
    return client.post("/lapor", data={"csrf_token": token, **fields}, files=files)


def _code(html: str) -> str:
    return re.search(r'id="code">([A-Z0-9-]+)<', html)[1]  # type: ignore[index]


def test_a_report_is_stored_without_identifying_data_and_checked_by_code(db: Database,
                                                                        tmp_path: Path) -> None:
    app = make_app(db, tmp_path)
    with TestClient(app, headers={"User-Agent": "Mozilla/5.0 TELLTALE-AGENT"}) as client:
        done = _report(client, {"attachment": ("foto bukti.png", PNG, "image/png")},
                       what="Disuruh pasang baliho", instructed_by="Pak Kadis",
                       position="Kepala Dinas", when="Senin", where="Kantor dinas",
                       links="https://example.org/a")
        assert done.status_code == 200
        code = _code(done.text)
        status = client.post("/lapor/status", data={"code": code.lower().replace("-", " "),
                                                    "csrf_token": csrf_of(client, "/lapor/status")})
        assert status.status_code == 200 and "Status: Diterima" in status.text
        wrong = client.post("/lapor/status", data={"code": "AAAA-BBBB-CCCC-DDDD",
                                                   "csrf_token": csrf_of(client, "/lapor/status")})
        assert wrong.status_code == 404
    with db.reader() as session:
        row = session.scalars(select(ConfidentialReport)).one()
        stored = " ".join(str(getattr(row, c.key)) for c in ConfidentialReport.__table__.columns)
    assert "testclient" not in stored and "TELLTALE" not in stored  # no address, no agent
    assert code.replace("-", "") not in stored  # the code only as a hash
    assert row.received_on.hour == 0 and row.received_on.minute == 0  # the day, not the time
    assert row.attachment_type == "image/png" and row.attachment_name == "foto bukti.png"
    assert row.occurred == "Senin" and row.place == "Kantor dinas"


@pytest.mark.parametrize("fields, files, status", [
    ({"what": ""}, None, 422),
    ({"what": "x" * 10_001}, None, 422),
    ({"what": "ok"}, {"attachment": ("a.exe", b"MZ\x90\x00\x03" + b"\x00" * 10, "image/png")}, 422),
    ({"what": "ok"}, {"attachment": ("big.png", PNG + b"\x00" * 2000, "image/png")}, 413),
])
def test_reports_are_limited(db: Database, tmp_path: Path, fields: dict, files: dict | None,  # type: ignore[type-arg]
                             status: int) -> None:
    app = make_app(db, tmp_path, report_max_bytes="1000")
    with TestClient(app) as client:
        assert _report(client, files, **fields).status_code == status
    with db.reader() as session:
        assert session.scalars(select(ConfidentialReport)).all() == []


def test_reports_are_rate_limited_and_need_the_form_token(db: Database, tmp_path: Path) -> None:
    app = make_app(db, tmp_path, report_rate="2")
    with TestClient(app) as client:
        assert [_report(client, what=f"laporan {i}").status_code for i in range(3)] == [200, 200, 429]
        forged = client.post("/lapor", data={"what": "x", "csrf_token": "forged" * 5})
        assert forged.status_code == 403


def test_only_leads_and_admins_read_reports_and_every_access_is_audited(db: Database,
                                                                        tmp_path: Path) -> None:
    staff(db, "monitor", "lead")
    app = make_app(db, tmp_path)
    with TestClient(app) as anonymous:
        code = _code(_report(anonymous, {"attachment": ("b.txt", b"catatan", "text/plain")},
                             what="Diminta kumpulkan KTP").text)
    with TestClient(app) as monitor:
        login(monitor, "monitor")
        assert monitor.get("/reports").status_code == 403
        assert monitor.get("/reports/1").status_code == 403
    with TestClient(app) as lead:
        login(lead, "lead")
        assert "Diminta kumpulkan KTP" in lead.get("/reports").text
        page = lead.get("/reports/1")
        assert page.status_code == 200
        attachment = lead.get("/reports/1/attachment")
        assert attachment.content == b"catatan"
        assert attachment.headers["content-disposition"].startswith("attachment")
        lead.post("/reports/1/status", data={"status": "followed_up", "note": "Sudah diteruskan",
                                             "csrf_token": csrf_from(page.text)},
                  follow_redirects=False)
        status = lead.post("/lapor/status", data={"code": code,
                                                  "csrf_token": csrf_from(page.text)})
        assert "Ditindaklanjuti" in status.text and "Sudah diteruskan" in status.text
    with db.reader() as session:
        actions = [(e.actor, e.action) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "report").order_by(AuditEntry.id))]
    assert actions == [("lead", "report.list"), ("lead", "report.view_report"),
                       ("lead", "report.view_attachment"), ("lead", "report.status")]


def test_public_statistics_show_counts_only_with_small_counts_hidden(db: Database,
                                                                     tmp_path: Path) -> None:
    staff(db, "lead", "lead2")
    seed(db, [post(i, region="Kota Kendari" if i < 6 else "Kabupaten Muna",
                   author={"handle": f"rahasia{i}", "name": f"Nama Rahasia {i}"},
                   text=f"Teks rahasia {i} coblos") for i in range(8)])
    first, second = (user_actor("lead", "lead", 1), user_actor("lead2", "lead", 2))
    for item in review_ids(db):
        decide(db, first, item, decision="confirmed", category="banner")
        decide(db, second, item, decision="confirmed")
    with TestClient(make_app(db, tmp_path)) as client:
        page = client.get("/statistik").text
    assert re.search(r"Kota Kendari</td><td class=\"num\">6<", page)
    assert re.search(r"Kabupaten Muna</td><td class=\"num\">&lt; 5<", page)
    assert re.search(r"Memasang alat peraga kampanye</td><td class=\"num\">8<", page)
    assert "Nama Rahasia" not in page and "Teks rahasia" not in page and "rahasia1" not in page
    assert "facebook.example" not in page
