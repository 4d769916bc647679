"""Cases over HTTP: a lead's second review opens a case that /cases lists with its region and
clock; /cases/{id} shows the terlapor, posts, deadlines in WITA and a form that records the
next step; the CSV download is Indonesian, audited and safe in a spreadsheet; monitors get 403."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import csrf_from, login, make_app, post, review_ids, seed, staff

from monitor.policy import user_actor
from monitor.services import review
from storage.db import Database
from storage.models import AuditEntry, User

HOSTILE = "=HYPERLINK(\"http://evil.example\")<script>alert(1)</script>"


def _actor(db: Database, name: str):  # type: ignore[no-untyped-def]
    with db.reader() as session:
        user = session.scalars(select(User).where(User.username == name)).one()
    return user_actor(user.username, user.role, user.id)


def _confirm_all(db: Database) -> None:
    monitor, lead = _actor(db, "monitor"), _actor(db, "lead")
    for item in review_ids(db):
        review.decide(db, monitor, item, decision="confirmed", category="social_media_campaign")
        review.decide(db, lead, item, decision="confirmed")


@pytest.fixture
def app(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    staff(db, "monitor", "lead", "lead2")
    seed(db, [post(1, author={"handle": "asn1", "name": HOSTILE}, jabatan="Guru Ahli Pertama",
                   instansi="Dinas Pendidikan Kota Kendari"),
              post(2, author={"handle": "asn1", "name": HOSTILE}),
              post(3, region="Kabupaten Konawe")])
    _confirm_all(db)
    return make_app(db, tmp_path)


def _case_ids(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="/cases/(\d+)"', html)))


def test_the_case_list_shows_each_case_and_the_regions(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead2")
        page = client.get("/cases")
        assert page.status_code == 200 and 'href="/cases" aria-current="page"' in page.text
        assert len(_case_ids(page.text)) == 2
        assert "Kota Kendari" in page.text and "Kabupaten Konawe" in page.text
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
        assert "Kasus lewat tenggat per wilayah" in page.text
        only = client.get("/cases", params={"region": "kabupaten konawe"})
        assert len(_case_ids(only.text)) == 1
        assert _case_ids(client.get("/cases", params={"overdue": "1"}).text) == []
        assert client.get("/cases", params={"status": "done"}).status_code == 422


def test_the_follow_up_csv_is_indonesian_escaped_and_audited(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead2")
        response = client.get("/cases/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Kasus", "Status", "Wilayah", "Terlapor"]
    names = {row[3] for row in rows[1:]}
    assert "'" + HOSTILE in names and HOSTILE not in names
    assert {row[7] for row in rows[1:]} == {"Dilaporkan ke Bawaslu/KASN"}
    assert all(row[8].endswith("WITA") for row in rows[1:])
    with db.reader() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "cases.export")).one()
    assert entry.actor == "lead2" and len(entry.details["cases"]) == 2


def test_a_lead_records_every_step_on_the_case_page(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead2")
        case_id = _case_ids(client.get("/cases").text)[0]
        page = client.get(f"/cases/{case_id}")
        assert page.status_code == 200
        text = page.text
        assert "Guru Ahli Pertama" in text and "Dinas Pendidikan Kota Kendari" in text
        assert "asn1" in text and "WITA" in text and "7 hari" in text
        items = re.findall(r'href="/items/(\d+)"', text)
        assert len(set(items)) == 2
        token = csrf_from(text)
        wrong = client.post(f"/cases/{case_id}/step", data={
            "step": "sanction", "note": "x", "csrf_token": token})
        assert wrong.status_code == 422 and "langkah berikutnya adalah reported" in wrong.text
        steps = [{"step": "reported", "reference": "012/LP/PL/XI/2024"},
                 {"step": "recommendation", "note": "Rekomendasi: hukuman disiplin"},
                 {"step": "sanction", "note": "teguran tertulis"},
                 {"step": "closed"}]
        for form in steps:
            done = client.post(f"/cases/{case_id}/step", data={**form, "csrf_token": token},
                               follow_redirects=False)
            assert done.status_code == 303, done.text[:300]
            assert done.headers["location"] == f"/cases/{case_id}?recorded={form['step']}"
        final = client.get(f"/cases/{case_id}").text
        assert "012/LP/PL/XI/2024" in final and "teguran tertulis" in final
        assert 'action="/cases/' not in final  # closed: no form for a next step
        forged = client.post(f"/cases/{case_id}/step", data={"step": "closed"})
        assert forged.status_code == 403
    with db.reader() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.step")
                                  .order_by(AuditEntry.id)).all()
    assert [(e.actor, e.details["step"]) for e in entries] == [
        ("lead2", "reported"), ("lead2", "recommendation"), ("lead2", "sanction"),
        ("lead2", "closed")]


def test_monitors_may_not_see_or_update_cases(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "monitor")
        assert 'href="/cases"' not in client.get("/queue").text
        for path in ("/cases", "/cases/1", "/cases/export.csv"):
            assert client.get(path).status_code == 403, path
        token = csrf_from(client.get("/queue").text)
        response = client.post("/cases/1/step", data={"step": "reported", "reference": "R",
                                                      "csrf_token": token})
        assert response.status_code == 403


def test_unknown_cases_answer_404(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "lead")
        assert client.get("/cases/999").status_code == 404
