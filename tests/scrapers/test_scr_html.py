"""html adapter: selectors on a real page, next-page links, missing selectors, bad bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import fast_settings, run, with_client
from scrape_server import FixtureServer, Reply

from scrapers import FetchResult, InvalidSource, PoliteClient, SourceConfig
from scrapers.html import HtmlAdapter

LISTING = """<html><body><ul>{items}</ul>{next}</body></html>"""
ITEM = (
    '<li class="post" data-id="{n}"><a href="/p/{n}">link</a><span class="who">Budi</span>'
    '<time datetime="2024-02-0{n}T08:00:00+07:00">x</time>'
    '<p class="body">Dukung paslon {n}</p></li>'
)


def _fetch(
    server: FixtureServer, path: str, options: dict[str, Any], cursor: dict[str, Any] | None = None
) -> FetchResult:
    source = SourceConfig("h", "html", server.url(path), options=options)

    async def work(client: PoliteClient) -> FetchResult:
        return await HtmlAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


def _listing(numbers: list[int], next_path: str | None = None) -> bytes:
    items = "".join(ITEM.format(n=n) for n in numbers)
    link = f'<a class="next" href="{next_path}">older</a>' if next_path else ""
    return LISTING.format(items=items, next=link).encode()


OPTIONS = {
    "item": "li.post",
    "text": ".body",
    "id": "li.post",
    "author": ".who",
    "date": "time",
    "link": "a",
    "next": "a.next",
    "platform": "facebook",
}


def test_real_page_with_selectors(server: FixtureServer, fixtures_dir: Path) -> None:
    result = _fetch(
        server,
        "/fixtures/html/jis_gov_jm_government_news.html",
        {"item": "article", "text": ".entry-content"},
    )
    [post] = result.posts
    assert post.record.text.startswith("Participants can expect a range of activ")
    assert post.record.platform == "web" and result.errors == []


def test_items_fields_and_next_pages(server: FixtureServer) -> None:
    server.routes["/list"] = Reply(200, _listing([3, 2], "/list2"))
    server.routes["/list2"] = Reply(200, _listing([1], "/list"))  # loops back: visited once
    result = _fetch(server, "/list", {**OPTIONS, "id": None})
    records = [p.record for p in result.posts]
    assert [r.external_id for r in records] == [server.url(f"/p/{n}") for n in (3, 2, 1)]
    assert records[0].text == "Dukung paslon 3" and records[0].author.name == "Budi"
    assert records[0].posted_at is not None and records[0].posted_at.hour == 1
    assert records[0].platform == "facebook"
    assert len(server.hits("/list")) == 1 and len(server.hits("/list2")) == 1
    server.log.clear()
    again = _fetch(server, "/list", OPTIONS, {"known": ["3"]})
    assert server.hits("/list2") == [] and again.cursor["known"] == ["3", "2"]


def test_no_matching_selector_is_a_recorded_error(server: FixtureServer) -> None:
    server.routes["/list"] = Reply(200, _listing([1]))
    result = _fetch(server, "/list", {"item": "div.nothing"})
    assert result.posts == [] and "no element matches" in result.errors[0]


def test_invalid_selector_and_missing_item_option(server: FixtureServer) -> None:
    server.routes["/list"] = Reply(200, _listing([1]))
    with pytest.raises(InvalidSource):
        _fetch(server, "/list", {"item": "li[[["})
    with pytest.raises(InvalidSource):
        _fetch(server, "/list", {})


def test_invalid_utf8_is_replaced(server: FixtureServer) -> None:
    body = b'<html><body><p class="x">Pilih \xff\xfe nomor 1</p></body></html>'
    server.routes["/bad"] = Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})
    [post] = _fetch(server, "/bad", {"item": "p.x"}).posts
    assert post.record.text == "Pilih \ufffd\ufffd nomor 1"


def test_declared_legacy_charset(server: FixtureServer) -> None:
    body = '<html><head><meta charset="windows-1252"></head><body><p class="x">caf\u00e9 \u2019</p>'
    server.routes["/cp"] = Reply(200, body.encode("cp1252"), {"Content-Type": "text/html"})
    [post] = _fetch(server, "/cp", {"item": "p.x"}).posts
    assert post.record.text == "caf\u00e9 \u2019"
