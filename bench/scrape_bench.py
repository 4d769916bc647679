"""Scraper benchmark: politeness-limited throughput and parser CPU cost.

1. 200 sources (rss, telegram, mastodon, bluesky in turn) on 20 local hosts, 127.0.0.2 to
   127.0.0.21, each response delayed 50 ms, fetched at once through one PoliteClient. A host is
   a host *name* (PoliteClient's politeness key), so 20 loopback addresses are 20 hosts. The
   ideal, from the requests each host really served (robots.txt included), is
   max over hosts of (n × 50 ms + (n − 1) × min_host_delay): per-host sequential with the
   configured delay, hosts in parallel. Target: wall ≤ 1.3 × ideal.
   The crawl's own CPU time (this process: servers, client and parsers) is printed beside it:
   on a shared machine the wall clock also counts other processes' turns, the CPU time does not.
2. CPU time per 1,000 posts parsed, per adapter, on the real captures in ../shared/fixtures,
   beside the bare lxml parse of the same page (telegram, html: the tree alone, no reading).

Prints the figures with the load average, then one JSON line.
Usage: .venv/bin/python bench/scrape_bench.py [--delay S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / ".." / "shared" / "fixtures"
sys.path[:0] = [str(REPO), str(REPO / "tests" / "scrapers")]

from scrape_server import FixtureServer, Reply  # noqa: E402

from scrapers import ClientSettings, PoliteClient, SourceConfig, get_adapter  # noqa: E402
from scrapers.bluesky.parse import parse_page as parse_bluesky  # noqa: E402
from scrapers.csv.parse import parse_csv  # noqa: E402
from scrapers.html.parse import parse_items  # noqa: E402
from scrapers.jsonl.parse import parse_jsonl  # noqa: E402
from scrapers.mastodon.parse import parse_statuses  # noqa: E402
from scrapers.rss.parse import parse_feed  # noqa: E402
from scrapers.telegram.parse import parse_page as parse_telegram  # noqa: E402
from scrapers.url.parse import parse_page as parse_url  # noqa: E402

HOSTS, SOURCES, LATENCY = 20, 200, 0.05
BODIES = {  # type → (path in shared fixtures, fallback body)
    "rss": (
        "feeds/guardian_rss2.xml",
        b"<rss version='2.0'><channel><item><guid>1</guid><title>t</title></item></channel></rss>",
    ),
    "telegram": (
        "telegram/topwar_official_channel_page.html",
        b'<div class="tgme_widget_message" data-post="c/1"></div>',
    ),
    "mastodon": ("mastodon/public_timeline_mstdn_jp_2017.json", b'[{"id": "1", "content": "x"}]'),
    "bluesky": ("bluesky/getAuthorFeed.json", b'{"feed": []}'),
}


def _body(kind: str) -> bytes:
    path, fallback = BODIES[kind]
    file = FIXTURES / path
    return file.read_bytes() if file.is_file() else fallback


def _servers() -> list[FixtureServer]:
    servers = [FixtureServer(None, host=f"127.0.0.{i + 2}").start() for i in range(HOSTS)]
    for server in servers:
        server.routes["/robots.txt"] = Reply(404, b"", delay=LATENCY)
        for kind in BODIES:
            server.routes[f"/{kind}"] = Reply(200, _body(kind), delay=LATENCY)
    return servers


async def _crawl(servers: list[FixtureServer], delay: float) -> tuple[float, int, list[str]]:
    settings = ClientSettings(
        user_agent="Pantau-bench/0", min_host_delay=delay, timeout=10, allow_private_networks=True
    )
    kinds = list(BODIES)
    sources = [
        SourceConfig(
            f"s{i}",
            kinds[i % 4],
            servers[i % HOSTS].url(f"/{kinds[i % 4]}"),
            options={"max_pages": 1},
        )
        for i in range(SOURCES)
    ]
    async with PoliteClient(settings) as client:
        started, cpu = time.perf_counter(), time.process_time()
        results = await asyncio.gather(
            *(get_adapter(s.type).fetch(s, {}, client) for s in sources), return_exceptions=True
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    posts = sum(len(r.posts) for r in results if not isinstance(r, BaseException))
    return wall, cpu, posts, errors


def crawl_figures(delay: float) -> dict[str, Any]:
    servers = _servers()
    try:
        wall, cpu, posts, errors = asyncio.run(_crawl(servers, delay))
        per_host = Counter({s.host: len(s.log) for s in servers})
    finally:
        for server in servers:
            server.stop()
    ideal = max(n * LATENCY + (n - 1) * delay for n in per_host.values())
    return {
        "sources": SOURCES,
        "hosts": HOSTS,
        "latency_s": LATENCY,
        "min_host_delay_s": delay,
        "requests": sum(per_host.values()),
        "posts": posts,
        "errors": len(errors),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "ideal_s": round(ideal, 3),
        "ratio": round(wall / ideal, 3),
        "target_met": wall <= 1.3 * ideal,
    }


def _read(path: str) -> bytes | None:
    file = FIXTURES / path
    return file.read_bytes() if file.is_file() else None


def _parsers() -> dict[str, tuple[Callable[[], int], int]]:
    """adapter → (parse once, returning posts parsed)."""
    feeds = [(f.read_bytes(), f.name) for f in sorted((FIXTURES / "feeds").glob("*.xml"))]
    tg = (_read("telegram/topwar_official_channel_page.html") or b"").decode()
    md = (_read("mastodon/public_timeline_mstdn_jp_2017.json") or b"[]").decode()
    bs = (_read("bluesky/getAuthorFeed.json") or b'{"feed": []}').decode()
    page = (_read("html/dw_com_news_article.html") or b"<p>x</p>").decode("utf-8", "replace")
    line = json.dumps(
        {"platform": "x", "external_id": 1, "text": "Ayo coblos", "author": {"handle": "a"}}
    )
    jsonl = "\n".join(line.replace('"external_id": 1', f'"external_id": {i}') for i in range(1000))
    csv = "platform,external_id,text\n" + "".join(f"x,{i},Ayo coblos {i}\n" for i in range(1000))
    return {
        "rss": (lambda: sum(len(parse_feed(b, {}, n)[0]) for b, n in feeds), 0),
        "telegram": (lambda: len(parse_telegram(tg).records), 0),
        "mastodon": (lambda: len(parse_statuses(md)[0]), 0),
        "bluesky": (lambda: len(parse_bluesky(bs).records), 0),
        "html": (lambda: len(parse_items(page, "http://x/", {"item": "p"}, "web").records), 0),
        "url": (lambda: (parse_url(page, "http://x/", "http://x/"), 1)[1], 0),
        "jsonl": (lambda: len(parse_jsonl(jsonl)[0]), 0),
        "csv": (lambda: len(parse_csv(csv)[0]), 0),
    }


def _per_1000(parse: Callable[[], int], min_seconds: float) -> float:
    posts, started = 0, time.process_time()
    while time.process_time() - started < min_seconds or posts == 0:
        posts += parse()
    return round((time.process_time() - started) * 1000 / posts * 1000, 1)


def cpu_figures(min_seconds: float = 0.5) -> dict[str, float]:
    """CPU milliseconds per 1,000 posts parsed, per adapter."""
    if not FIXTURES.is_dir():
        return {}
    return {kind: _per_1000(parse, min_seconds) for kind, (parse, _unused) in _parsers().items()}


def bare_figures(min_seconds: float = 0.5) -> dict[str, float]:
    """The bare baseline: CPU ms per 1,000 posts for lxml's tree of the same page alone."""
    from lxml import html as lxml_html

    tg = (_read("telegram/topwar_official_channel_page.html") or b"").decode()
    page = (_read("html/dw_com_news_article.html") or b"").decode("utf-8", "replace")
    pages = {
        "telegram": (tg, len(parse_telegram(tg).records) if tg else 0),
        "html": (page, len(parse_items(page, "http://x/", {"item": "p"}, "web").records) if page else 0),
    }
    figures = {}
    for kind, (markup, posts) in pages.items():
        if posts:
            figures[kind] = _per_1000(lambda m=markup, n=posts: (lxml_html.fromstring(m), n)[1], min_seconds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--delay",
        type=float,
        default=1.0,
        help="min_host_delay in seconds (default: the shipped scrape.min_host_delay)",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    crawl = crawl_figures(args.delay)
    print(
        f"crawl: {crawl['sources']} sources on {crawl['hosts']} hosts, {crawl['requests']} "
        f"requests, {crawl['posts']} posts, {crawl['errors']} errors"
    )
    print(
        f"wall {crawl['wall_s']:.2f}s vs politeness-limited ideal {crawl['ideal_s']:.2f}s "
        f"= {crawl['ratio']:.2f}x (target <= 1.3x: {'met' if crawl['target_met'] else 'MISSED'}); "
        f"crawl CPU {crawl['cpu_s']:.2f}s"
    )
    cpu, bare = cpu_figures(), bare_figures()
    for kind, ms in cpu.items():
        beside = f"   (bare lxml tree {bare[kind]:.1f})" if kind in bare else ""
        print(f"cpu {kind:9s} {ms:9.1f} ms per 1,000 posts{beside}")
    load = {"before": [round(v, 2) for v in load_before], "after": [round(v, 2) for v in os.getloadavg()]}
    print(f"load average before {load['before']}, after {load['after']}")
    print(json.dumps({
        "bench": "scrape", "crawl": crawl, "cpu_ms_per_1000_posts": cpu,
        "bare_lxml_ms_per_1000_posts": bare, "load_average": load,
    }))


if __name__ == "__main__":
    main()
