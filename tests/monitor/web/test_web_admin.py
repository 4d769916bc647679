"""Administration pages: sources listed with health, added and disabled; users added, their role
changed — all through the use cases, audited."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import PASSWORD, csrf_of, login, make_app, staff

from monitor.config import SourceSpec, load_settings
from monitor.scrape import make_client, run_source
from monitor.sources import add_source
from storage.db import Database
from storage.models import AuditEntry


def test_admin_adds_and_disables_a_source_and_manages_users(db: Database, tmp_path: Path) -> None:
    staff(db, "admin")
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss/>")
    with TestClient(make_app(db, tmp_path)) as admin:
        login(admin, "admin")
        token = csrf_of(admin, "/sources")
        added = admin.post("/sources", data={"name": "berita-kendari", "type": "rss",
                                             "url": str(feed), "interval": "15m",
                                             "region": "Kota Kendari", "csrf_token": token})
        assert added.status_code == 200 and "berita-kendari" in added.text
        assert "Belum dijalankan" in added.text  # health: not run yet
        again = admin.post("/sources", data={"name": "berita-kendari", "type": "rss",
                                             "url": str(feed), "csrf_token": token})
        assert again.status_code == 422
        admin.post("/sources/disable", data={"name": "berita-kendari", "csrf_token": token})
        assert "Nonaktif" in admin.get("/sources").text
        admin.post("/users", data={"username": "siti", "password": PASSWORD, "role": "monitor",
                                   "csrf_token": token})
        admin.post("/users/role", data={"username": "siti", "role": "lead", "csrf_token": token})
        short = admin.post("/users", data={"username": "eko", "password": "pendek",
                                           "role": "monitor", "csrf_token": token})
        assert short.status_code == 422
    with TestClient(make_app(db, tmp_path)) as siti:
        login(siti, "siti")
        assert siti.get("/dashboard").status_code == 200  # a lead now
    with db.reader() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).where(
            AuditEntry.actor == "admin").order_by(AuditEntry.id))]
    assert [a for a in actions if not a.startswith("auth.")] == [
        "source.add", "source.disable", "user.add", "user.set_role"]


def test_a_source_the_settings_refuse_is_explained_in_the_page_language(
        db: Database, tmp_path: Path) -> None:
    """A bad interval (monitor.config.ConfigError) and an unknown type (monitor.sources.
    SourceError) are said in Indonesian by default and in English with ?lang=en."""
    staff(db, "admin")
    with TestClient(make_app(db, tmp_path)) as admin:
        login(admin, "admin")
        token = csrf_of(admin, "/sources")
        form = {"name": "kabar", "type": "rss", "url": "https://x.test/feed", "interval": "1y",
                "csrf_token": token}
        refused = admin.post("/sources", data=form)
        assert refused.status_code == 422
        assert "bukan durasi: &#39;1y&#39; (gunakan 90, 90s, 15m, atau 1h)" in refused.text
        unknown = admin.post("/sources", data={**form, "interval": "", "type": "gopher"})
        assert unknown.status_code == 422
        assert "jenis sumber tidak dikenal &#39;gopher&#39;" in unknown.text
        refused = admin.post("/sources?lang=en", data=form)
        assert refused.status_code == 422
        assert "not a duration: &#39;1y&#39; (use 90, 90s, 15m or 1h)" in refused.text


def _failed_source(db: Database, tmp_path: Path) -> None:
    """An html source without its `item` selector: its run fails with InvalidSource."""
    page = tmp_path / "page.html"
    page.write_text("<html></html>")
    settings = load_settings(cwd=tmp_path, environ={})
    add_source(db, SourceSpec("halaman", "html", str(page), interval=60), settings)

    async def run() -> None:
        async with make_client(settings) as client:
            await run_source(db, "halaman", client=client, scorer=None, settings=settings)
    asyncio.run(run())


def test_a_sources_last_error_is_shown_in_the_page_language(db: Database, tmp_path: Path) -> None:
    """A scraper's error, stored in English with its template, is said in Indonesian by default
    and in English with ?lang=en, on the sources page and on the dashboard; its kind (the class
    name in the stored text) as a label in both."""
    _failed_source(db, tmp_path)
    staff(db, "admin", "lead")
    indonesian = "Sumber tidak valid: sumber halaman: sumber html memerlukan opsi selektor `item`"
    english = "Invalid source: source halaman: html sources need an `item` selector option"
    with TestClient(make_app(db, tmp_path)) as admin:
        login(admin, "admin")
        page = admin.get("/sources").text
        assert indonesian in page and english not in page and "InvalidSource" not in page
        page = admin.get("/sources?lang=en").text
        assert english in page and indonesian not in page and "InvalidSource" not in page
    with TestClient(make_app(db, tmp_path)) as lead:
        login(lead, "lead")
        assert indonesian in lead.get("/dashboard").text
        assert english in lead.get("/dashboard?lang=en").text
