"""Hostile-input benchmark: peak memory and time of each hostile case, beside bare baselines.

Each case runs in a fresh interpreter (so peak RSS is that case's own), parsing what the client
would hand the adapter: bodies are at most `scrape.max_response_bytes` (10 MB) after
decompression. Network cases (a dripping server, a huge Retry-After) run against the local
replay server. Baselines: the interpreter with the scrapers imported, and ordinary pages
parsed (a real news article, a real Telegram channel page, a real Mastodon timeline).

Prints a table, then one JSON line. Usage: .venv/bin/python bench/hostile_bench.py [--deadline S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / ".." / "shared" / "fixtures"
sys.path[:0] = [str(REPO), str(REPO / "tests" / "scrapers")]

LIMIT = 10_000_000
HTML_SEL = {"item": "div.post", "text": "p"}


def _cut(unit: bytes) -> bytes:
    return (unit * (LIMIT // len(unit) + 1))[:LIMIT]


def _fixture(path: str, fallback: bytes) -> bytes:
    file = FIXTURES / path
    return file.read_bytes() if file.is_file() else fallback


def _parse(kind: str, body: bytes, headers: dict[str, str] | None = None) -> str:
    """Run one adapter's pure parse step the way the adapter does; the outcome as text."""
    from scrapers.bluesky.parse import parse_page as bluesky
    from scrapers.errors import ScraperError
    from scrapers.html.parse import parse_items
    from scrapers.mastodon.parse import parse_statuses
    from scrapers.rss.parse import parse_feed
    from scrapers.telegram.parse import parse_page as telegram
    from scrapers.text import decode_body
    from scrapers.url.parse import parse_page as url_page

    headers = headers or {"content-type": "text/html"}
    def text() -> str:
        return decode_body(body, headers)

    runs: dict[str, Callable[[], Any]] = {
        "html": lambda: parse_items(text(), "http://x/", HTML_SEL, "web").records,
        "url": lambda: [url_page(text(), "http://x/", "http://x/")],
        "telegram": lambda: telegram(text()).records,
        "rss": lambda: parse_feed(body, headers, "http://x/")[0],
        "mastodon": lambda: parse_statuses(text())[0],
        "bluesky": lambda: bluesky(text()).records,
    }
    try:
        return f"{len(runs[kind]())} posts"
    except ScraperError as exc:
        return f"{type(exc).__name__}: {str(exc)[:60]}"


def _drip(deadline: float) -> str:
    from scrape_server import FixtureServer, Reply

    from scrapers import ClientSettings, FetchError, PoliteClient

    server = FixtureServer(None).start()

    def drip() -> Iterator[bytes]:
        for _ in range(100_000):
            time.sleep(1.0)
            yield b"x"

    server.routes["/drip"] = lambda seen: Reply(200, drip())
    settings = ClientSettings(allow_private_networks=True, respect_robots=False,
                              request_deadline=deadline, backoff_cap=1.0)

    async def work() -> str:
        async with PoliteClient(settings) as client:
            try:
                await client.get(server.url("/drip"))
            except FetchError as exc:
                return f"FetchError: {str(exc)[-60:]}"
        return "fetched?"

    try:
        return asyncio.run(work())
    finally:
        server.stop()


def _retry_after() -> str:
    from scrape_server import FixtureServer, Reply

    from scrapers import ClientSettings, PoliteClient, RateLimited

    server = FixtureServer(None).start()
    server.routes["/limited"] = Reply(429, headers={"Retry-After": "999999999"})
    server.routes["/other"] = Reply(200, b"ok")
    settings = ClientSettings(allow_private_networks=True, respect_robots=False)

    async def work() -> str:
        async with PoliteClient(settings) as client:
            try:
                await client.get(server.url("/limited"))
            except RateLimited as exc:
                started = time.monotonic()
                await client.get(server.url("/other"))
                waited = time.monotonic() - started
                return f"RateLimited retry_after={exc.retry_after:.0f}s; same host next {waited:.2f}s"
        return "fetched?"

    try:
        return asyncio.run(work())
    finally:
        server.stop()


def _bomb_over_the_wire() -> str:
    from hostile_payloads import gzip_bomb
    from scrape_server import FixtureServer, Reply

    from scrapers import ClientSettings, PoliteClient, SourceConfig, get_adapter

    server = FixtureServer(None).start()
    bomb = gzip_bomb(b"<div>", 1 << 30)  # 1 GiB inflated, ~1 MB on the wire
    server.routes["/bomb"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    settings = ClientSettings(allow_private_networks=True, respect_robots=False)
    source = SourceConfig("b", "html", server.url("/bomb"), options=HTML_SEL)

    async def work() -> str:
        started = time.perf_counter()
        async with PoliteClient(settings) as client:
            result = await get_adapter("html").fetch(source, {}, client)
        took = time.perf_counter() - started
        return f"fetch+parse {took:.2f}s (rest: building the bomb); {result.errors[-1][-50:]}"

    try:
        return asyncio.run(work())
    finally:
        server.stop()


def _cases(deadline: float) -> dict[str, Callable[[], str]]:
    from hostile_payloads import deep_json, nested_tags

    article = _fixture("html/reuters_com_news_article.html", b"<p>x</p>")
    channel = _fixture("telegram/topwar_official_channel_page.html", b"<div></div>")
    timeline = _fixture("mastodon/public_timeline_mstdn_jp_2017.json", b"[]")
    feed = _fixture("feeds/guardian_rss2.xml", b"<rss/>")
    nested = nested_tags(1_000_000)
    return {
        "baseline: import only": lambda: "-",
        "baseline: news article (url)": lambda: _parse("url", article),
        "baseline: channel page (telegram)": lambda: _parse("telegram", channel),
        "baseline: timeline (mastodon)": lambda: _parse("mastodon", timeline),
        "baseline: feed (rss)": lambda: _parse("rss", feed),
        "bomb 10MB <div> (html)": lambda: _parse("html", _cut(b"<div>")),
        "bomb 10MB <p>a (url)": lambda: _parse("url", _cut(b"<p>a")),
        "bomb 10MB zeros (url)": lambda: _parse("url", _cut(b"\0")),
        "bomb 10MB of one letter (url)": lambda: _parse("url", _cut(b"a")),
        "bomb 10MB <div> (telegram)": lambda: _parse("telegram", _cut(b"<div>")),
        "bomb 10MB <item> (rss)": lambda: _parse("rss", _cut(b"<item>")),
        "bomb 10MB zeros (rss)": lambda: _parse("rss", _cut(b"\0")),
        "bomb 10MB [{}, (mastodon)": lambda: _parse("mastodon", _cut(b"[{},")),
        "bomb 1GB gzip over loopback (html)": _bomb_over_the_wire,
        "1,000,000 nested tags (html)": lambda: _parse("html", nested),
        "1,000,000 nested tags (url)": lambda: _parse("url", nested),
        "1,000,000 nested tags (telegram)": lambda: _parse("telegram", nested),
        "40,000 nested tags (url)": lambda: _parse("url", nested_tags(40_000)),
        "JSON 200,000 deep (mastodon)": lambda: _parse("mastodon", deep_json(200_000, "mastodon")),
        "JSON 200,000 deep (bluesky)": lambda: _parse("bluesky", deep_json(200_000, "bluesky")),
        "charset=punycode (rss)": lambda: _parse(
            "rss", feed, {"content-type": "application/rss+xml; charset=punycode"}),
        "charset=rot13 (telegram)": lambda: _parse(
            "telegram", channel, {"content-type": "text/html; charset=rot13"}),
        "Retry-After 999999999": _retry_after,
        f"drip 1 B/s, deadline {deadline:g}s": lambda: _drip(deadline),
    }


def _run_one(name: str, deadline: float) -> None:
    import scrapers  # noqa: F401  (the baseline includes the package)

    started = time.perf_counter()
    outcome = _cases(deadline)[name]()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": name, "seconds": round(seconds, 3), "peak_mib": round(peak, 1),
                      "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deadline", type=float, default=60.0, help="request deadline for the drip")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        _run_one(args.case, args.deadline)
        return
    rows = []
    for name in _cases(args.deadline):
        done = subprocess.run(
            [sys.executable, __file__, "--case", name, "--deadline", str(args.deadline)],
            capture_output=True, text=True, check=False, timeout=900,
        )
        line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        row = json.loads(line) if line.startswith("{") else {
            "case": name, "seconds": None, "peak_mib": None, "outcome": done.stderr[-200:]}
        rows.append(row)
        print(f"{row['case']:40} {row['seconds'] or 0:8.2f} s {row['peak_mib'] or 0:8.1f} MiB  "
              f"{row['outcome']}", flush=True)
    print(json.dumps({"bench": "hostile", "cases": rows}))


if __name__ == "__main__":
    main()
