"""Hostile servers on loopback: each case ends in a clear typed error (or a recorded
ParseError) and leaves other sources and hosts unaffected. Figures: bench/hostile_bench.py."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hostile_helpers import PUBLIC, FakeClock, guarded_client
from hostile_payloads import (
    NON_TEXT_LABELS,
    deep_json,
    gzip_bomb,
    mastodon_json,
    nested_tags,
    telegram_page,
)
from scrape_helpers import fast_settings, run
from scrape_server import FixtureServer, Reply

from scrapers import (
    ClientSettings,
    FetchError,
    FetchResult,
    InvalidSource,
    PoliteClient,
    RateLimited,
    ScraperError,
    SourceConfig,
    get_adapter,
)
from scrapers.text import decode_body
from scrapers.url.parse import parse_page as parse_url

HTML_OPTIONS = {"item": "div.post", "text": "p"}
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>judul</title><guid>g1</guid><description>isi berita</description></item>"
    b"</channel></rss>"
)
HTML_PAGE = b'<html><body><div class="post"><p>kampanye di kantor</p></div></body></html>'


def _fetch(
    server: FixtureServer,
    kind: str,
    path: str,
    settings: ClientSettings | None = None,
    options: dict[str, Any] | None = None,
) -> FetchResult:
    source = SourceConfig("hostile", kind, server.url(path), options=options or {})

    async def work() -> FetchResult:
        async with PoliteClient(settings or fast_settings(respect_robots=False)) as client:
            return await get_adapter(kind).fetch(source, {}, client)

    return run(work())


# --- Retry-After -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
@pytest.mark.parametrize("status", [429, 503])
def test_huge_retry_after_is_capped_and_never_freezes_the_host(
    server: FixtureServer, value: str, status: int
) -> None:
    server.routes["/limited"] = Reply(status, headers={"Retry-After": value})
    server.routes["/other"] = Reply(200, b"ok")
    clock = FakeClock()

    async def work() -> tuple[RateLimited, bytes]:
        settings = fast_settings(respect_robots=False, max_retry_after=3600.0, min_host_delay=0.5)
        async with PoliteClient(settings, clock=clock) as client:
            with pytest.raises(RateLimited) as caught:
                await client.get(server.url("/limited"))
            other = await client.get(server.url("/other"))  # another source, same host
            return caught.value, other.body

    error, body = run(work())
    assert error.retry_after == 3600.0 and error.requested is not None and error.requested > 1e8
    assert "3600" in str(error) and len(server.hits("/limited")) == 1
    assert body == b"ok" and sum(clock.sleeps) <= 0.5  # only the ordinary host delay


def test_retry_after_within_the_cap_is_waited_by_its_request_alone(server: FixtureServer) -> None:
    replies = [Reply(429, headers={"Retry-After": "1"}), Reply(200, b"late")]
    server.routes["/busy"] = lambda seen: replies.pop(0)
    server.routes["/other"] = Reply(200, b"ok")

    async def work(client: PoliteClient) -> list[bytes]:
        async def other() -> bytes:
            await asyncio.sleep(0.2)
            return (await client.get(server.url("/other"))).body

        busy = client.get(server.url("/busy"))
        return [s if isinstance(s, bytes) else s.body for s in await asyncio.gather(busy, other())]

    async def main() -> list[bytes]:
        async with PoliteClient(fast_settings(respect_robots=False)) as client:
            return await work(client)

    assert run(main()) == [b"late", b"ok"]
    first, second = server.hits("/busy")
    (other,) = server.hits("/other")
    assert first.at < other.at < second.at  # the other source was not held behind the wait


def test_retry_after_beyond_the_deadline_is_handed_to_the_scheduler(server: FixtureServer) -> None:
    server.routes["/busy"] = Reply(429, headers={"Retry-After": "4"})
    settings = fast_settings(respect_robots=False, request_deadline=2.0, retry_after_cap=5.0)
    with pytest.raises(RateLimited) as caught:
        _fetch(server, "rss", "/busy", settings)
    assert caught.value.retry_after == 4.0 and len(server.hits("/busy")) == 1


# --- drip, bombs, nesting ---------------------------------------------------------------


def test_drip_is_cut_by_the_request_deadline_and_other_hosts_carry_on(
    server: FixtureServer,
) -> None:
    other = FixtureServer(None, host="127.0.0.2").start()
    other.routes["/ok"] = Reply(200, b"ok")

    def drip() -> Iterator[bytes]:
        for _ in range(400):
            time.sleep(0.05)
            yield b"x"

    server.routes["/drip"] = lambda seen: Reply(200, drip())
    settings = fast_settings(
        respect_robots=False, timeout=5.0, total_timeout=60.0, max_retries=3, request_deadline=1.0
    )

    async def work() -> tuple[BaseException | bytes, bytes]:
        async with PoliteClient(settings) as client:
            dripped, fine = await asyncio.gather(
                client.get(server.url("/drip")), client.get(other.url("/ok")),
                return_exceptions=True,
            )
            assert not isinstance(fine, BaseException)
            return (dripped if isinstance(dripped, BaseException) else dripped.body), fine.body

    try:
        started = time.monotonic()
        dripped, fine = run(work())
        elapsed = time.monotonic() - started
    finally:
        other.stop()
    assert isinstance(dripped, FetchError) and "deadline" in str(dripped)
    assert fine == b"ok" and elapsed < 30  # bounded by the deadline, not 4 tries × 60 s


@pytest.mark.parametrize(
    ("kind", "unit", "options"),
    [
        ("html", b"<div>", HTML_OPTIONS),
        ("url", b"<p>a", {}),
        ("telegram", b"<div>", {}),
        ("rss", b"<item>", {}),
        ("mastodon", b"[{},", {}),
        ("bluesky", b'{"a":[],', {}),
    ],
)
def test_decompression_bomb_is_cut_and_refused_by_the_parser(
    server: FixtureServer, kind: str, unit: bytes, options: dict[str, Any]
) -> None:
    server.routes["/bomb"] = Reply(200, gzip_bomb(unit, 64 << 20), {"Content-Encoding": "gzip"})
    result = _fetch(server, kind, "/bomb", fast_settings(respect_robots=False), options)
    assert result.posts == [] and result.snapshots[0].truncated
    assert any("refused" in e for e in result.errors), result.errors


@pytest.mark.parametrize("depth", [1_000_000, 40_000, 300])
@pytest.mark.parametrize("kind", ["html", "url", "telegram", "rss"])
def test_deeply_nested_markup_is_a_parse_error(
    server: FixtureServer, kind: str, depth: int
) -> None:
    tag = "item" if kind == "rss" else "div"
    server.routes["/deep"] = Reply(200, nested_tags(depth, tag), {"Content-Type": "text/html"})
    result = _fetch(server, kind, "/deep", options=HTML_OPTIONS if kind == "html" else None)
    assert result.posts == []
    assert any("refused" in e for e in result.errors), result.errors


@pytest.mark.parametrize("kind", ["mastodon", "bluesky"])
def test_json_nested_too_deep_is_a_parse_error(server: FixtureServer, kind: str) -> None:
    server.routes["/deep"] = Reply(200, deep_json(200_000, kind), {"Content-Type": "application/json"})
    result = _fetch(server, kind, "/deep")
    assert result.posts == [] and any("nested too deeply" in e for e in result.errors)


@pytest.mark.parametrize("kind", ["mastodon", "bluesky"])
def test_moderately_nested_json_field_costs_only_that_field(server: FixtureServer, kind: str) -> None:
    server.routes["/deep"] = Reply(200, deep_json(400, kind), {"Content-Type": "application/json"})
    result = _fetch(server, kind, "/deep")
    assert len(result.posts) + len(result.errors) >= 1  # a post, or its recorded reason
    for post in result.posts:
        assert all(not isinstance(v, list | dict) or len(str(v)) < 1000 for v in post.record.extra.values())


# --- charsets ----------------------------------------------------------------------------


CHARSET_BODIES = {
    "html": HTML_PAGE,
    "url": b"<html><body><article><p>" + b"Kampanye terselubung di kantor dinas. " * 20
    + b"</p></article></body></html>",
    "telegram": telegram_page([("kanal/5", "1.2K")]),
    "rss": FEED,
    "mastodon": mastodon_json(2),
}


def _labelled(kind: str, label: str, where: str) -> tuple[bytes, dict[str, str]]:
    body = CHARSET_BODIES[kind]
    content_type = "application/json" if kind == "mastodon" else "text/html"
    headers = {"Content-Type": f"{content_type}; charset={label}" if where == "header" else content_type}
    if where == "document" and kind == "rss":
        body = body.replace(b'encoding="utf-8"', f'encoding="{label}"'.encode())
    elif where == "document" and kind != "mastodon":
        body = f'<meta charset="{label}">'.encode() + body
    return body, headers


@pytest.mark.parametrize("label", ["rot13", "punycode", "undefined", "hex", "idna"])
@pytest.mark.parametrize("where", ["header", "document"])
@pytest.mark.parametrize("kind", sorted(CHARSET_BODIES))
def test_charset_labels_naming_no_text_encoding_fall_back_to_detection(
    server: FixtureServer, label: str, where: str, kind: str
) -> None:
    body, headers = _labelled(kind, label, where)
    server.routes["/page"] = Reply(200, body, headers)
    result = _fetch(server, kind, "/page", options=HTML_OPTIONS if kind == "html" else None)
    assert result.posts, result.errors


@pytest.mark.parametrize("label", NON_TEXT_LABELS)
@pytest.mark.parametrize("where", ["header", "document"])
def test_every_non_text_label_parses_in_every_adapter(label: str, where: str) -> None:
    """The parse step of each adapter, as it runs on a snapshot (no server needed)."""
    from scrapers.base import Snapshot
    from scrapers.html.parse import parse_items
    from scrapers.mastodon.source import _PARSE as mastodon_parse
    from scrapers.paging import run_parser
    from scrapers.rss.source import _parse as rss_parse
    from scrapers.telegram.source import _PARSE as telegram_parse

    parsers = {"rss": rss_parse, "telegram": telegram_parse, "mastodon": mastodon_parse}
    for kind, parse in parsers.items():
        body, headers = _labelled(kind, label, where)
        snapshot = Snapshot.build("http://x/", 200, {k.lower(): v for k, v in headers.items()}, body)
        parsed = run_parser(parse, snapshot)
        records = parsed[0] if isinstance(parsed, tuple) else parsed.records
        assert records, (kind, label, where)
    for kind in ("html", "url"):  # these adapters decode with decode_body, then parse
        body, headers = _labelled(kind, label, where)
        text = decode_body(body, {k.lower(): v for k, v in headers.items()})
        if kind == "html":
            assert parse_items(text, "http://x/", HTML_OPTIONS, "web").records
        else:
            assert "Kampanye" in parse_url(text, "http://x/", "http://x/").text


# --- Telegram ids and counts -------------------------------------------------------------


def test_telegram_superscript_ids_and_infinite_views_are_skipped(server: FixtureServer) -> None:
    page = telegram_page(
        [("kanal/12³", "5"), ("kanal/7", "inf"), ("kanal/8", "nan"), ("kanal/9", "1e400"),
         ("kanal/10", "1.2K"), ("kanal/١١", "3"), ("kanal/²", "3")],
        before="5³",
    )
    server.routes["/s/kanal"] = Reply(200, page, {"Content-Type": "text/html"})
    result = _fetch(server, "telegram", "/s/kanal")
    ids = [p.record.external_id for p in result.posts]
    assert ids == ["kanal/7", "kanal/8", "kanal/9", "kanal/10"]
    views = {p.record.external_id: p.record.extra.get("views") for p in result.posts}
    assert views == {"kanal/7": None, "kanal/8": None, "kanal/9": None, "kanal/10": 1200}
    assert result.cursor["last_id"] == 10


def test_telegram_stored_cursor_with_a_superscript_does_not_crash(server: FixtureServer) -> None:
    server.routes["/s/kanal"] = Reply(200, telegram_page([("kanal/3", "1")]), {"Content-Type": "text/html"})
    source = SourceConfig("t", "telegram", server.url("/s/kanal"))

    async def work() -> FetchResult:
        async with PoliteClient(fast_settings(respect_robots=False)) as client:
            return await get_adapter("telegram").fetch(source, {"last_id": "2³"}, client)

    assert [p.record.external_id for p in run(work()).posts] == ["kanal/3"]


# --- SSRF ----------------------------------------------------------------------------------

EMBEDDED_PRIVATE = [
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "fec0::1",  # site-local
    "feff::1",  # site-local, upper end
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "::ffff:127.0.0.1",
    "::ffff:a9fe:a9fe",
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
def test_ipv6_forms_of_private_addresses_are_refused_directly(
    server: FixtureServer, address: str
) -> None:
    async def work() -> None:
        async with guarded_client(fast_settings(allow_private_networks=False), {}) as client:
            await client.get(f"http://[{address}]:{server.port}/x")

    with pytest.raises(InvalidSource, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
        run(work())


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
@pytest.mark.parametrize("by_name", [False, True])
def test_ipv6_forms_of_private_addresses_are_refused_through_redirects(
    server: FixtureServer, address: str, by_name: bool
) -> None:
    target = f"http://sneaky.example:{server.port}/admin" if by_name else (
        f"http://[{address}]:{server.port}/admin"
    )
    server.routes["/start"] = Reply(302, headers={"Location": target})
    server.routes["/admin"] = Reply(200, b"secret")
    server.routes["/fine"] = Reply(200, b"public page")
    names = {"public.example": [PUBLIC], "sneaky.example": [address]}
    settings = fast_settings(allow_private_networks=False, respect_robots=False)

    async def work() -> bytes:
        async with guarded_client(settings, names) as client:
            with pytest.raises(InvalidSource, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
                await client.get(f"http://public.example:{server.port}/start")
            return (await client.get(f"http://public.example:{server.port}/fine")).body

    assert run(work()) == b"public page"  # the same public host still works
    assert len(server.hits("/start")) == 1 and server.hits("/admin") == []


@pytest.mark.parametrize(
    "location", ["http://[::1", "http://host.example:99999/", "http:///nohost", "ftp://x/", "file:///etc/passwd"]
)
def test_unusable_redirect_targets_are_fetch_errors(server: FixtureServer, location: str) -> None:
    server.routes["/start"] = Reply(302, headers={"Location": location})
    with pytest.raises(FetchError):
        _fetch(server, "rss", "/start")


def test_every_adapter_raises_only_scraper_errors_on_garbage(server: FixtureServer) -> None:
    garbage = [b"\x00\xff" * 5000, b"<" * 60_000, b"{" * 5000, b"\xef\xbb\xbf" + b"\x80" * 100]
    for number, body in enumerate(garbage):
        server.routes[f"/g{number}"] = Reply(200, body, {"Content-Type": "text/html; charset=rot13"})
        for kind in ("rss", "telegram", "mastodon", "bluesky", "html", "url"):
            try:
                _fetch(server, kind, f"/g{number}", options=HTML_OPTIONS if kind == "html" else None)
            except ScraperError:
                pass
