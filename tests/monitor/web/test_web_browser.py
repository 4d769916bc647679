"""The web app in real headless Chromium: a monitor's day, a conflict between two reviewers, a
lead's second review, the dashboard, the confidential channel, and hostile posts on every page.

Screenshots of the queue, a detail page, the dashboard and /lapor go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_harness import chromium, login, screenshot, serving
from web_helpers import add_snapshot, make_app, post, review_ids, seed, staff

from storage.db import Database
from storage.migrate import upgrade

pytestmark = pytest.mark.browser

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Database]]:
    db = Database(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(db)
    staff(db, "monitor", "monitor2", "lead", "lead2")
    seed(db, [post(1), post(2, platform="x", region="Kabupaten Konawe",
                          text="Baliho paslon sdh terpasang, siap menangkan #KonaweMaju"),
              post(3), post(4), post(5)], scores=[0.97, 0.91, 0.85, 0.8, 0.7])
    with serving(make_app(db, tmp_path)) as base:
        yield base, db
    db.dispose()


def _keys(page: Any) -> Any:
    """Wait until the page's shortcut script is listening (it loads deferred)."""
    page.wait_for_load_state("load")
    page.wait_for_selector("html[data-keys=on]", state="attached")
    return page.keyboard


def test_a_monitors_day_with_the_keyboard(site: tuple[str, Database]) -> None:
    base, db = site
    ids = review_ids(db)
    with chromium() as browser:
        context = browser.new_context()
        page = login(context, base, "monitor")
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.locator("tr[data-item]").count() == 5
        screenshot(page, "queue")
        page.select_option("select[name=platform]", "x")
        page.click("button >> text=Saring")
        assert page.locator("tr[data-item]").count() == 1
        page.goto(f"{base}/queue")
        _keys(page).press("/")
        page.keyboard.type("baliho")  # typed into the search field, not taken as shortcuts
        _keys(page).press("Enter")
        page.wait_for_url(re.compile(r"q=baliho"))
        assert page.locator("tr[data-item]").count() == 1
        page.goto(f"{base}/queue")
        _keys(page).press("j")
        assert page.locator("tr.selected").get_attribute("data-item") == f"/items/{ids[1]}"
        _keys(page).press("k")
        _keys(page).press("Enter")
        page.wait_for_url(f"{base}/items/{ids[0]}")
        assert "<mark>coblos</mark>" in page.inner_html(".posttext")
        screenshot(page, "detail")
        _keys(page).press("?")
        assert page.locator("#shortcuts").is_visible()
        _keys(page).press("Escape")
        page.locator("textarea[name=note]").press_sequentially("123 dicek ulang")  # no shortcuts
        assert page.url == f"{base}/items/{ids[0]}"
        page.locator("textarea[name=note]").blur()
        _keys(page).press("2")
        page.wait_for_url(re.compile(rf"/items/{ids[1]}\?decided={ids[0]}"))
        assert "Bukan pelanggaran" in page.inner_text(".alert.ok")
        _keys(page).press("j")  # the next pending item
        page.wait_for_url(f"{base}/items/{ids[2]}")
        page.goto(f"{base}/items/{ids[0]}")
        assert "123 dicek ulang" in page.inner_text("body")  # the note, recorded once
        context.close()


def test_conflict_second_review_dashboard(site: tuple[str, Database]) -> None:
    base, db = site
    ids = review_ids(db)
    with chromium() as browser:
        one, two = browser.new_context(), browser.new_context()
        late = login(two, base, "lead2")
        late.goto(f"{base}/items/{ids[2]}")  # lead2 reads version 1 and holds it
        first = login(one, base, "lead")
        first.goto(f"{base}/items/{ids[2]}")
        assert "lead2 sedang membuka item ini" in first.inner_text(".hold")
        first.click("button >> text=Ambil alih item ini")
        _keys(first).press("3")
        first.wait_for_url(re.compile(rf"decided={ids[2]}"))
        _keys(late).press("2")  # decided on the page read before lead's decision
        late.wait_for_selector("#conflict")
        message = late.inner_text("#conflict")
        assert "lead" in message and "escalated" in message
        assert "Dieskalasi" in late.inner_text("h1")

        monitor = login(browser.new_context(), base, "monitor")
        monitor.goto(f"{base}/items/{ids[4]}")  # lead now holds ids[3], the item after ids[2]
        _keys(monitor).press("1")  # the predicted category is preselected
        monitor.wait_for_url(re.compile(rf"decided={ids[4]}&as=awaiting_second_review"))
        first.goto(f"{base}/items/{ids[4]}")
        assert "Tinjauan kedua" in first.inner_text("#decide-h")
        _keys(first).press("1")
        first.wait_for_url(re.compile(rf"decided={ids[4]}&as=confirmed"))

        first.goto(f"{base}/dashboard")
        images = first.locator(".chart img")
        assert images.count() == 4
        for i in range(4):
            assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert "Kota Kendari" in first.inner_text(".charts")
        screenshot(first, "dashboard")


def test_a_pressured_civil_servant_reports_and_checks_the_status(site: tuple[str, Database],
                                                                 tmp_path: Path) -> None:
    base, _db = site
    photo = tmp_path / "bukti.png"
    photo.write_bytes(PNG)
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(f"{base}/lapor")
        page.fill("textarea[name=what]", "Kami diminta camat memasang baliho calon nomor 2.")
        page.fill("input[name=instructed_by]", "Pak Camat")
        page.fill("input[name=position]", "Camat")
        page.set_input_files("input[name=attachment]", str(photo))
        screenshot(page, "lapor")
        page.click("button >> text=Kirim laporan")
        code = page.inner_text("#code").strip()
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
        page.goto(f"{base}/lapor/status")
        page.fill("input[name=code]", code.lower())
        page.click("button >> text=Periksa")
        assert "Diterima" in page.inner_text("#report-status")


PAYLOADS = [
    "<script>window.__xss=1;alert('s')</script>",
    "<img src=x onerror=\"window.__xss=2;alert('i')\">",
    "<svg onload=\"window.__xss=3\"><script>alert('svg')</script></svg>",
    "<a href=\"javascript:window.__xss=4\">klik</a>",
    "<b <i>broken <div style=\"width:expression(alert('css'));background:url(//evil.example/x)\">",
    "</textarea><script>window.__xss=5</script><textarea>",
    "\"><script>window.__xss=6</script>",
    "<iframe src=\"//evil.example/frame\"></iframe><link rel=stylesheet href=\"//evil.example/x.css\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=//evil.example/\">",
]


def test_hostile_posts_run_nothing_and_load_nothing_from_elsewhere(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'xss.db'}")
    upgrade(db)
    staff(db, "lead")
    posts = [post(100 + i, text=f"coblos {p}", url="javascript:window.__xss=9",
                  region=f"Kota {p[:30]}",
                  author={"handle": f"h{i}{p[:20]}", "name": p, "bio": f"PNS {p}",
                          "url": "javascript:alert(1)"})
             for i, p in enumerate(PAYLOADS)]
    post_ids = seed(db, posts, terms=["coblos", "<script>", "onerror"])
    for post_id in post_ids:
        add_snapshot(db, post_id, ("<html><body>" + "".join(PAYLOADS) + "</body></html>").encode())
    items = review_ids(db)
    with serving(make_app(db, tmp_path)) as base, chromium() as browser:
        context = browser.new_context()
        page = login(context, base, "lead")
        dialogs: list[str] = []
        foreign: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        context.on("request", lambda r: foreign.append(r.url)
                   if urlsplit(r.url).netloc not in ("", urlsplit(base).netloc)
                   and not r.url.startswith("data:") else None)
        pages = ["/queue", "/queue?status=all", "/dashboard", "/statistik", "/lapor"]
        pages += [f"/items/{i}" for i in items]
        pages += [re.search(r'href="(/items/\d+/snapshots/\d+)"', page.content() or "")[1]
                  if False else f"/items/{items[0]}"]
        for path in pages:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("() => window.__xss") is None, path
        page.goto(f"{base}/items/{items[0]}")
        raw = page.get_attribute("a[href*='/snapshots/']", "href")
        page.goto(f"{base}{raw}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__xss") is None
        assert dialogs == [] and foreign == []
        screenshot(page, "snapshot-raw")
    db.dispose()


def test_a_lead_exports_the_queue_and_downloads_a_bundle_that_verifies(
        site: tuple[str, Database], tmp_path: Path) -> None:
    from monitor.evidence.verify import verify_bundle_file

    base, _db = site
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = login(context, base, "lead")
        page.click("form[action='/exports'] button[type=submit]")
        page.wait_for_url(re.compile(r"/exports/\d+$"))
        assert page.locator("h1").inner_text().startswith("Ekspor")
        page.wait_for_selector("#export-download", timeout=60_000)  # the page refreshes itself
        screenshot(page, "export")
        with page.expect_download() as info:
            page.click("#export-download")
        saved = tmp_path / "from-browser.zip"
        info.value.save_as(saved)
    verdict = verify_bundle_file(saved)
    assert verdict.intact, verdict.problems
    assert verdict.items == 5


_HEADER = """() => {
  const box = e => e.getBoundingClientRect();
  const header = document.querySelector('header.top');
  const parts = [...header.children].map(box);
  return {height: box(header).height, width: header.scrollWidth,
          navTops: [...header.querySelectorAll('nav a')].map(a => Math.round(box(a).top)),
          oneRow: parts.every(a => parts.every(b => a.top < b.bottom && b.top < a.bottom)),
          offscreen: [...header.querySelectorAll('a, button')].filter(
              e => box(e).width === 0 || box(e).right > innerWidth + 0.5).length};
}"""


def _switch_language(page: Any) -> None:
    with page.expect_navigation():
        page.click("header .account button[lang]")


def test_the_header_is_one_line_at_1024_for_an_admin_in_both_languages(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'header.db'}")
    upgrade(db)
    staff(db, "monitor", "admin")
    with serving(make_app(db, tmp_path)) as base, chromium() as browser:
        pages = {user: login(browser.new_context(viewport={"width": 1024, "height": 768}), base, user)
                 for user in ("monitor", "admin")}
        for lang in ("id", "en"):
            if lang == "en":
                for page in pages.values():
                    _switch_language(page)
            for page in pages.values():
                page.reload()
                assert page.locator("html").get_attribute("lang") == lang
            admin, monitor = (pages[u].evaluate(_HEADER) for u in ("admin", "monitor"))
            assert len(admin["navTops"]) == 9  # every admin link is there
            assert len(set(admin["navTops"])) == 1, (lang, admin)  # the links on one line
            assert admin["oneRow"], (lang, admin)  # brand, links and account side by side
            assert admin["height"] <= monitor["height"] + 0.5, (lang, admin, monitor)
            assert admin["width"] <= 1024 and admin["offscreen"] == 0, (lang, admin)
            for page in pages.values():  # a phone: wrapped, but nothing cut off or hidden
                page.set_viewport_size({"width": 390, "height": 844})
                phone = page.evaluate(_HEADER)
                assert phone["width"] <= 390 and phone["offscreen"] == 0, (lang, phone)
                assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
                page.set_viewport_size({"width": 1024, "height": 768})
            screenshot(pages["admin"], f"header-admin-1024-{lang}")
        page = pages["admin"]
        page.goto(f"{base}/sources")
        edges = page.evaluate("""() => [...document.querySelectorAll('table.sources tr')].map(
            tr => Math.round(tr.lastElementChild.getBoundingClientRect().right))""")
        assert len(edges) == 2 and edges[0] == edges[1], edges  # the header row and the empty row
    db.dispose()
