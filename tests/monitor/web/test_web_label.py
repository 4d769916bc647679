"""The data team's pages and the coordinated-message views: /label serves the next post and
stores the label as the logged-in user; a copy-paste message by 5 accounts shows "5 accounts"
on its detail page and tops the dashboard's groups; /drift shows this week's new term."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import csrf_from, login, make_app, post, review_ids, seed, staff

from storage.db import Database
from storage.models import AuditEntry, Label

CAMPAIGN = ("Rekan-rekan ASN Dinas Pendidikan, mari kita dukung paslon nomor 2 Bapak Arif "
            "Santoso pada 27 November nanti demi Kendari yang maju dan sejahtera")


def _campaign(db: Database) -> list[int]:
    """The same message by five accounts (small edits), one other flagged pair, one loner."""
    posts = [post(i, text=CAMPAIGN + f" salam {i}") for i in range(1, 6)]
    posts += [post(10, text="Apel siaga di posko pemenangan wajib hadir"),
              post(11, text="Apel siaga di posko pemenangan wajib hadir!!"),
              post(12, text="Kegiatan bakti sosial kelurahan di lapangan kota")]
    return seed(db, posts)


def test_a_copy_paste_message_by_five_accounts_on_the_detail_page_and_dashboard(
        db: Database, tmp_path: Path) -> None:
    staff(db, "lead")
    _campaign(db)
    items = review_ids(db)
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "lead")
        first = min(items)
        page = client.get(f"/items/{first}?lang=en").text
        assert "The same text posted by 5 accounts" in page
        linked = set(map(int, re.findall(r'<li><a href="/items/(\d+)">facebook', page)))
        assert len(linked) == 4 and first not in linked
        loner = client.get(f"/items/{max(items)}?lang=en").text
        assert "The same text posted by" not in loner
        dashboard = client.get("/dashboard?lang=en").text
        section = dashboard.split('id="dup-groups-h"', 1)[1].split("</table>", 1)[0]
        rows = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td><a href="/items/\d+">([^<]*)', section)
        assert rows[0][:2] == ("5", "5") and rows[0][2].startswith("Rekan-rekan ASN")
        assert rows[1][:2] == ("2", "2") and len(rows) == 2


def test_the_label_page_serves_the_next_post_escaped_and_stores_the_label(
        db: Database, tmp_path: Path) -> None:
    staff(db, "data")
    seed(db, [post(1, text="<script>alert(1)</script> coblos nomor 1"),
              post(2, text="Kegiatan bakti sosial kelurahan di lapangan kota")], scores=[0.51, 0.99])
    no_random = {"PANTAU_LABEL__RANDOM_SHARE": "0"}  # the most uncertain post, every time
    with TestClient(make_app(db, tmp_path, environ=no_random)) as client:
        login(client, "data")
        page = client.get("/label?lang=en")
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
        post_id = re.search(r'name="post_id" value="(\d+)"', page.text)[1]  # type: ignore[index]
        refused = client.post("/label", data={"post_id": post_id, "label": "1"},
                              follow_redirects=False)
        assert refused.status_code == 403  # no csrf token
        done = client.post("/label", data={"post_id": post_id, "label": "1",
                                           "category": "social_media_campaign",
                                           "sampled_as": "uncertain",
                                           "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
        assert done.status_code == 303
        after = client.get(done.headers["location"] + "&lang=en").text
        assert f'name="post_id" value="{post_id}"' not in after
        bad = client.post("/label", data={"post_id": "x", "label": "1",
                                          "csrf_token": csrf_from(after)})
        assert bad.status_code == 422
    with db.reader() as session:
        label = session.scalars(select(Label)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "label.set")).one()
    assert (label.post_id, label.label, label.labeled_by, label.sampled_as) == \
        (int(post_id), 1, "data", "uncertain")
    assert entry.actor == "data"


def test_the_drift_page_shows_a_new_term_and_the_weekly_shares(db: Database, tmp_path: Path) -> None:
    staff(db, "data", "lead")
    seed(db, [post(i, text=f"Bersama Zulkarnaen Hebat kita menang {i}") for i in range(1, 4)],
         terms=("Zulkarnaen Hebat", "coblos"))
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "lead")
        assert client.get("/drift", follow_redirects=False).status_code == 403
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "data")
        page = client.get("/drift?lang=en").text
        assert 'href="/drift"' in page
        terms = page.split('id="terms-h"', 1)[1]
        assert "<mark>Zulkarnaen Hebat</mark>" in terms and "<mark>coblos</mark>" not in terms
        platforms = page.split('id="platform-h"', 1)[1].split("</table>", 1)[0]
        assert "facebook" in platforms and "100% <span" in platforms and "(3/3)" in platforms
        assert 'src="data:image/svg+xml;base64,' in page
