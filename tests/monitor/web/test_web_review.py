"""A monitor's day over HTTP: the queue's filters and search, the item page, decisions with
second review, stale decisions, holds, language and time zone, hostile text escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import add_snapshot, csrf_of, login, make_app, post, review_ids, seed, staff

from storage.db import Database
from storage.models import AuditEntry


@pytest.fixture
def app(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    staff(db, "monitor", "monitor2", "lead", "lead2")
    seed(db, [post(1), post(2, platform="x", region="Kabupaten Konawe",
                          text="Baliho paslon sdh terpasang, siap menangkan"),
              post(3, text="Rapat koordinasi netralitas ASN", posted_at="2024-10-01T03:00:00Z")],
         scores=[0.95, 0.8, 0.6])
    return make_app(db, tmp_path)


def _rows(html: str) -> list[str]:
    return re.findall(r'data-item="/items/(\d+)"', html)


def _decide(client: TestClient, item: int, decision: str, version: int,
            category: str = "social_media_campaign", note: str = "") -> object:
    page = client.get(f"/items/{item}")
    return client.post(f"/items/{item}/decision", data={
        "decision": decision, "category": category, "note": note, "version": str(version),
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]},  # type: ignore[index]
        follow_redirects=False)


def test_queue_filters_search_and_keyset_pages(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    ids = review_ids(db)
    with TestClient(app) as client:
        login(client, "monitor")
        page = client.get("/queue").text
        assert _rows(page) == [str(i) for i in ids]  # highest score first
        assert re.search(r"Menunggu peninjauan <span class=\"count\">3</span>", page)
        assert _rows(client.get("/queue?platform=x").text) == [str(ids[1])]
        assert _rows(client.get("/queue?region=Kabupaten+Konawe").text) == [str(ids[1])]
        assert _rows(client.get("/queue?q=baliho+menangkan").text) == [str(ids[1])]
        assert _rows(client.get("/queue?q=bali").text) == []  # words, not substrings
        assert _rows(client.get('/queue?q=NETRALITAS" *').text) == [str(ids[2])]  # FTS syntax is text
        assert _rows(client.get("/queue?min_score=0.7&max_score=0.9").text) == [str(ids[1])]
        assert _rows(client.get("/queue?since=2024-11-01").text) == [str(ids[0]), str(ids[1])]
        assert _rows(client.get("/queue?until=2024-10-31").text) == [str(ids[2])]
        assert _rows(client.get("/queue?category=banner").text) == []
        assert client.get("/queue?min_score=abc").status_code == 422
        assert client.get("/queue?status=nonsense").status_code == 422


def test_keyset_pages_do_not_repeat_or_skip(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    seed(db, [post(i) for i in range(120)], scores=[0.5 + (i % 7) / 20 for i in range(120)])
    seen: list[str] = []
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor")
        url: str | None = "/queue"
        while url:
            page = client.get(url).text
            seen += _rows(page)
            found = re.search(r'href="([^"]+)" rel="next"', page)
            url = found[1].replace("&amp;", "&") if found else None
    assert len(seen) == 120 and len(set(seen)) == 120
    assert seen == [str(i) for i in review_ids(db)]


def test_monitor_confirms_and_a_lead_completes_the_second_review(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    item = review_ids(db)[0]
    with TestClient(app) as monitor, TestClient(app) as lead:
        login(monitor, "monitor")
        done = _decide(monitor, item, "confirmed", 1)
        assert done.status_code == 303  # type: ignore[attr-defined]
        assert "as=awaiting_second_review" in done.headers["location"]  # type: ignore[attr-defined]
        own = _decide(monitor, item, "confirmed", 2)
        assert own.status_code in (403, 409)  # type: ignore[attr-defined]
        login(lead, "lead")
        page = lead.get(f"/items/{item}").text
        assert "Tinjauan kedua" in page
        final = _decide(lead, item, "confirmed", 2)
        assert "as=confirmed" in final.headers["location"]  # type: ignore[attr-defined]
        assert "Pelanggaran terbukti" in lead.get(f"/items/{item}").text
    with db.reader() as session:
        actions = [(e.actor, e.details["status"]) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "review.decide").order_by(AuditEntry.id))]
    assert actions == [("monitor", "awaiting_second_review"), ("lead", "confirmed")]


def test_a_stale_decision_is_refused_showing_the_other_one(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    item = review_ids(db)[1]
    with TestClient(app) as first, TestClient(app) as second:
        login(first, "lead")
        login(second, "lead2")
        second_page = second.get(f"/items/{item}").text  # read at version 1 (held by lead2 now)
        token = re.search(r'name="csrf_token" value="([^"]+)"', second_page)[1]  # type: ignore[index]
        # lead2 holds it; lead takes it over and decides first
        first.post(f"/items/{item}/hold", data={"csrf_token": csrf_of(first)})
        assert _decide(first, item, "rejected", 1).status_code == 303  # type: ignore[attr-defined]
        late = second.post(f"/items/{item}/decision", data={
            "decision": "escalated", "version": "1", "csrf_token": token})
        assert late.status_code == 409
        assert "lead" in late.text and "rejected" in late.text  # whose decision, and what
        assert "Bukan pelanggaran" in late.text  # the trail shows the recorded decision


def test_holds_show_the_holder_block_others_and_a_lead_can_take_over(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    item = review_ids(db)[2]
    with TestClient(app) as one, TestClient(app) as two, TestClient(app) as lead:
        login(one, "monitor")
        login(two, "monitor2")
        one.get(f"/items/{item}")
        page = two.get(f"/items/{item}").text
        assert "monitor sedang membuka item ini" in page
        assert "Ambil alih" not in page  # a monitor may not break a hold
        assert "sedang dibuka monitor" in two.get("/queue").text
        blocked = _decide(two, item, "rejected", 1)
        assert blocked.status_code == 409  # type: ignore[attr-defined]
        login(lead, "lead")
        assert "Ambil alih item ini" in lead.get(f"/items/{item}").text
        lead.post(f"/items/{item}/hold", data={"csrf_token": csrf_of(lead)})
        assert "lead sedang membuka item ini" in one.get(f"/items/{item}").text
    with db.reader() as session:
        broken = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "review.break_hold")).all()
    assert [(e.actor, e.details["held_by"]) for e in broken] == [("lead", "monitor")]


def test_language_default_switch_and_per_user(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        assert '<html lang="id">' in client.get("/login").text
        english = client.get("/login?lang=en").text
        assert '<html lang="en">' in english and "Log in to Pantau" in english
        assert '<html lang="en">' in client.get("/statistik").text  # the choice is remembered
        client.cookies.clear()
        login(client, "monitor")
        assert '<html lang="id">' in client.get("/queue").text
        client.post("/account/language", data={"language": "en", "csrf_token": csrf_of(client)})
        client.cookies.delete("pantau_lang")
        page = client.get("/queue").text
        assert '<html lang="en">' in page and "Review queue" in page and "Waiting for review" in page


def test_times_are_shown_in_wita_and_codes_as_words(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "monitor")
        page = client.get(f"/items/{review_ids(db)[0]}").text
        assert "20-11-2024 09:00 WITA" in page  # 01:00 UTC
        assert "Kampanye di media sosial" in page and "social_media_campaign</" not in page


def test_item_page_shows_the_evidence_and_escapes_everything(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    ids = seed(db, [post(9, text=f"coblos {evil}", url="javascript:alert(3)",
                         author={"handle": "h<b>x", "name": evil, "bio": f"PNS {evil}"})],
               terms=["coblos", "<script>"])
    add_snapshot(db, ids[0], b"<html><body onload=alert(4)><script>alert(5)</script>x</body>")
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor")
        item = review_ids(db)[0]
        page = client.get(f"/items/{item}").text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page and "<mark>coblos</mark>" in page
        assert 'href="javascript:' not in page
        assert "&lt;body onload=alert(4)&gt;" in page  # the raw capture, as escaped text
        raw_link = re.search(r'href="(/items/\d+/snapshots/\d+)"', page)[1]  # type: ignore[index]
        raw = client.get(raw_link)
        assert raw.headers["content-type"].startswith("text/plain")
        assert "sandbox" in raw.headers["content-security-policy"]
        assert client.get(f"/items/{item}/snapshots/999").status_code == 404
        queue = client.get("/queue").text
        assert "<script>alert" not in queue


def test_unknown_items_answer_404(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "monitor")
        assert client.get("/items/99999").status_code == 404
