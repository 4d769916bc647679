"""The list pages on a phone (390 px) in real headless Chromium: no page-level horizontal scroll
in either language, even with a hostile, very long source name and address; at 1024 px the tables
are still tables with their header row.

Screenshots go to test-artifacts/ (phone-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_harness import chromium, login, screenshot, serving
from sqlalchemy import select
from web_helpers import make_app, post, review_ids, seed, staff

from monitor.config import SourceSpec, load_settings
from monitor.policy import user_actor
from monitor.services import confidential, review
from monitor.sources import add_source
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Source, User

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1024, "height": 768}
JUST_ABOVE_REFLOW = {"width": 820, "height": 900}  # tables are tables again above 800 px
LONG_NAME = "berita-" + "kendari" * 27  # 196 characters, no break opportunity
LONG_URL = "https://" + "a" * 150 + ".example/feed.xml?kategori=" + "pilkada" * 20
LONG_REGION = "Kabupaten Konawe Kepulauan Selatan Raya Sekali"

_WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
_TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const head = t.querySelector('thead tr');
  if (!head) return {display: getComputedStyle(t).display, headVisible: false, headOneRow: false};
  head.firstElementChild.scrollIntoView({block: 'center', inline: 'center'});
  const cells = [...head.children].map(th => th.getBoundingClientRect());
  const first = cells[0], hit = document.elementFromPoint(first.x + first.width / 2,
                                                          first.y + first.height / 2);
  return {display: getComputedStyle(t).display,
          headVisible: first.height > 1 && head.firstElementChild.contains(hit),
          headOneRow: cells.every(c => Math.round(c.top) === Math.round(first.top))};
})"""


def _actor(db: Database, name: str) -> Any:
    with db.reader() as session:
        user = session.scalars(select(User).where(User.username == name)).one()
    return user_actor(user.username, user.role, user.id)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    db = Database(f"sqlite:///{tmp_path / 'phone.db'}")
    upgrade(db)
    staff(db, "monitor", "lead", "admin")
    seed(db, [post(i, region=LONG_REGION if i % 2 else "Kota Kendari",
                   author={"handle": f"asn{i}", "name": f"Budi {i}"}) for i in range(6)])
    for item in review_ids(db)[:4]:  # counts for the public statistics
        review.decide(db, _actor(db, "monitor"), item, decision="confirmed", category="banner")
        review.decide(db, _actor(db, "lead"), item, decision="confirmed")
    confidential.receive(db, {"what": "Kami diminta camat memasang baliho calon nomor 2."}, None)
    settings = load_settings(cwd=tmp_path, environ={})
    for name, url in (("kendari-rss", "https://berita.example/rss"), (LONG_NAME, LONG_URL),
                      ("konawe", "https://konawe.example/rss")):
        add_source(db, SourceSpec(name=name, type="rss", url=url, region=LONG_REGION), settings)
    now = datetime.now(UTC)
    with db.session() as session:
        failing = session.scalars(select(Source).where(Source.name == LONG_NAME)).one()
        failing.last_error = f"HTTP 404 for {LONG_URL}"  # scraped: the error quotes the address
        failing.consecutive_failures, failing.last_run_at = 12, now - timedelta(minutes=5)
        healthy = session.scalars(select(Source).where(Source.name == "kendari-rss")).one()
        healthy.last_run_at = healthy.last_success_at = now
        healthy.posts_collected = 1234
    with serving(make_app(db, tmp_path)) as base:
        yield base
    db.dispose()


def _check(page: Any, url: str, lang: str, shot: str) -> None:
    """No page-level horizontal scroll at 390, 820 or 1024 px, whatever the scraped text; at
    1024 px every table is a table with its header row visible on one line."""
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == lang
    width, inner = page.evaluate(_WIDTHS)
    assert inner == 390
    assert width <= inner, (url, width)
    screenshot(page, f"phone-{shot}-{lang}-390")
    for size in (JUST_ABOVE_REFLOW, DESKTOP):
        page.set_viewport_size(size)
        width, inner = page.evaluate(_WIDTHS)
        assert width <= inner == size["width"], (url, size, width)
        screenshot(page, f"phone-{shot}-{lang}-{size['width']}")
    tables = page.evaluate(_TABLES)
    assert tables, url
    for table in tables:
        assert table == {"display": "table", "headVisible": True, "headOneRow": True}, (url, table)


def test_the_sources_page_and_the_statistics_fit_a_phone_in_both_languages(site: str) -> None:
    base = site
    with chromium() as browser:
        admin = login(browser.new_context(viewport=PHONE), base, "admin")
        public = browser.new_context(viewport=PHONE).new_page()
        for lang in ("id", "en"):
            _check(admin, f"{base}/sources?lang={lang}", lang, "sources")
            assert LONG_NAME in admin.inner_text("table.sources")  # shown whole, wrapped
            _check(public, f"{base}/statistik?lang={lang}", lang, "statistik")
            assert LONG_REGION in public.inner_text("main")
        # on the phone each source is a stack of labelled cells, labels in the page language
        admin.set_viewport_size(PHONE)
        admin.goto(f"{base}/sources?lang=id")
        head = admin.locator("table.sources thead").bounding_box()
        assert head and head["height"] <= 1  # visually hidden, still there for screen readers
        tree = admin.locator("table.sources").aria_snapshot()  # still a table to assistive tech
        assert tree.startswith("- table") and 'columnheader "Sumber"' in tree and "- cell" in tree
        labels = admin.evaluate("""() => [...document.querySelectorAll('table.sources tbody tr')]
            .map(tr => [...tr.children].map(td => getComputedStyle(td, '::before').content))""")
        assert len(labels) == 3
        assert labels[0][:2] == ['"Sumber"', '"Keadaan"'], labels[0]
        box = admin.locator("table.sources").bounding_box()
        after = admin.locator("main > section").first.bounding_box()
        assert box and after and after["y"] - (box["y"] + box["height"]) >= 8  # a gap below


def test_the_other_list_pages_fit_a_phone(site: str) -> None:
    base = site
    with chromium() as browser:
        admin = login(browser.new_context(viewport=PHONE), base, "admin")
        for lang in ("id", "en"):
            for path in ("/queue", "/queue?status=all", "/cases", "/users", "/models",
                         "/reports", "/dashboard"):
                sep = "&" if "?" in path else "?"
                name = path.strip("/").replace("?status=all", "-all")
                _check(admin, f"{base}{path}{sep}lang={lang}", lang, name)
