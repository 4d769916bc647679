"""bluesky adapter against real AppView captures; cursor pagination and the stored cursor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import expected_cases, fast_settings, run, with_client
from scrape_server import FixtureServer, Reply, Seen

from scrapers import FetchResult, PoliteClient, SourceConfig
from scrapers.bluesky import BlueskyAdapter
from storage.records import parse_datetime

XRPC = "/xrpc/app.bsky.feed.getAuthorFeed"


def _fetch(server: FixtureServer, url: str, cursor: dict[str, Any] | None = None) -> FetchResult:
    source = SourceConfig("b", "bluesky", url, options={"max_pages": "4"})

    async def work(client: PoliteClient) -> FetchResult:
        return await BlueskyAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


@pytest.mark.parametrize(("name", "spec"), expected_cases("bluesky"), ids=lambda v: v if isinstance(v, str) else "")
def test_posts_match_expected(
    server: FixtureServer, fixtures_dir: Path, name: str, spec: dict[str, Any]
) -> None:
    body = (fixtures_dir / "bluesky" / name).read_bytes()
    server.routes["/xrpc/feed"] = lambda seen: Reply(
        200, body if "cursor" not in seen.query else b'{"feed": []}'
    )
    result = _fetch(server, server.url("/xrpc/feed?actor=x"))
    records = [p.record for p in result.posts]
    assert len(records) == spec["count"] and result.errors == []
    for want, got in zip(spec["items"], (records[0], records[-1]), strict=False):
        assert got.external_id == want["id"] and got.platform == "bluesky"
        assert got.author.handle == want["author"] and got.author.name == want["display_name"]
        assert got.posted_at == parse_datetime(want["created_at"])
        assert " ".join(got.text.split())[:40] == want["text_prefix"]
        assert got.extra.get("reposted_by") == want.get("reposted_by")
        assert got.extra["is_reply"] == want.get("is_reply", False)
    assert sum(r.extra["is_repost"] for r in records) == spec.get("reposts_in_file", 0)
    if "cursor" in spec:
        assert server.hits("/xrpc/feed")[1].query.endswith(
            f"cursor={spec['cursor'].replace(':', '%3A')}"
        )


def test_cursor_pagination_and_second_run(server: FixtureServer, fixtures_dir: Path) -> None:
    page1 = (fixtures_dir / "bluesky" / "getAuthorFeed.json").read_bytes()
    page2 = (fixtures_dir / "bluesky" / "searchPosts.json").read_bytes()

    def route(seen: Seen) -> Reply:
        if "cursor=xxxxxxx" in seen.query:
            return Reply(200, b'{"feed": []}')
        return Reply(200, page2 if "cursor=" in seen.query else page1)

    server.routes[XRPC] = route
    first = _fetch(server, server.url(XRPC + "?actor=shinyakato.dev"))
    assert len(server.hits(XRPC)) == 3 and len(first.posts) == 26
    assert first.posts[-1].snapshot == 1
    newest = parse_datetime(first.cursor["newest"])
    server.log.clear()
    second = _fetch(server, server.url(XRPC + "?actor=shinyakato.dev"), first.cursor)
    assert len(server.hits(XRPC)) == 1 and parse_datetime(second.cursor["newest"]) == newest


def test_error_response_is_recorded(server: FixtureServer) -> None:
    server.routes[XRPC] = Reply(200, b'{"error": "InvalidRequest", "message": "bad actor"}')
    result = _fetch(server, server.url(XRPC))
    assert result.posts == [] and "InvalidRequest" in result.errors[0]


def test_a_malformed_item_is_recorded_as_a_message_said_in_indonesian(
    server: FixtureServer,
) -> None:
    """One malformed feed item costs only itself; its error is a Message (the URL, the item's
    number and the reason as values), said in Indonesian by default, in English with the
    English catalog."""
    from monitor.i18n import gettext_for
    from storage.errors import Message

    good = {"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "record": {"text": "Halo"},
                     "author": {"handle": "a.bsky.social"}}}
    server.routes[XRPC] = Reply(200, json.dumps({"feed": [good, {"post": {"uri": "x"}}]}).encode())
    result = _fetch(server, server.url(XRPC))
    [error] = result.errors
    assert len(result.posts) == 1 and isinstance(error, Message)
    assert error == f"{server.url(XRPC)}: item #1: post without an at:// uri"
    assert error.translated(gettext_for("id")) == (
        f"{server.url(XRPC)}: butir #1: unggahan tanpa URI at://")
    assert error.translated(gettext_for("en")) == error
