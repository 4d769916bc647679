"""telegram adapter against the real t.me/s captures; ?before= pagination and the cursor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import expected_cases, fast_settings, run, with_client
from scrape_server import FixtureServer, Reply, Seen

from scrapers import FetchResult, PoliteClient, SourceConfig
from scrapers.telegram import TelegramAdapter
from storage.records import parse_datetime


def _fetch(
    server: FixtureServer, path: str, cursor: dict[str, Any] | None = None, **options: Any
) -> FetchResult:
    source = SourceConfig("tg", "telegram", server.url(path), region="Jawa Barat", options=options)

    async def work(client: PoliteClient) -> FetchResult:
        return await TelegramAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


@pytest.mark.parametrize(("name", "spec"), expected_cases("telegram"), ids=lambda v: v if isinstance(v, str) else "")
def test_messages_match_expected(
    server: FixtureServer, fixtures_dir: Path, name: str, spec: dict[str, Any]
) -> None:
    result = _fetch(server, f"/fixtures/telegram/{name}", max_pages=1)
    records = [p.record for p in result.posts]
    assert len(records) == spec["count"]
    for want, got in zip(spec["items"], (records[0], records[-1]), strict=False):
        assert got.external_id == want["id"] and got.platform == "telegram"
        assert got.author.name == want["author"] and got.author.handle == want["channel"]
        assert got.extra.get("signature") == want.get("signature")
        assert got.extra.get("forwarded_from") == want.get("forwarded_from")
        assert got.posted_at == parse_datetime(want["datetime"])
        assert got.region == "Jawa Barat"
        if "text_prefix" in want:
            assert " ".join(got.text.split())[:40] == want["text_prefix"]
    for external_id in spec.get("items_without_text", []):
        poll = next(r for r in records if r.external_id == external_id)
        assert poll.extra["poll"] is True and poll.text.startswith("Как лучше?")


def test_views_and_media(server: FixtureServer, fixtures_dir: Path) -> None:
    [post] = _fetch(server, "/fixtures/telegram/fragment_message_media_photo_and_video.html").posts
    kinds = [m.type for m in post.record.media]
    assert "image" in kinds and "video" in kinds
    page = _fetch(server, "/fixtures/telegram/topwar_official_channel_page.html", max_pages=1)
    assert all(isinstance(p.record.extra["views"], int) for p in page.posts)
    assert page.posts[0].record.extra["views"] > 1000


def _channel(fixtures: Path, older: bytes) -> Any:
    newest = (fixtures / "telegram" / "topwar_official_channel_page.html").read_bytes()

    def route(seen: Seen) -> Reply:
        body = older if "before=70989" in seen.query else newest
        return Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})

    return route


def test_before_pagination_stops_at_last_seen(server: FixtureServer, fixtures_dir: Path) -> None:
    older = (fixtures_dir / "telegram" / "fragment_message_text.html").read_bytes()
    older = older.replace(b"topwar_official/70991", b"topwar_official/70500")
    server.routes["/s/topwar_official"] = _channel(fixtures_dir, older)
    result = _fetch(server, "/s/topwar_official", {"last_id": 70500})
    assert [s.query for s in server.hits("/s/topwar_official")] == ["", "before=70989"]
    assert len(result.posts) == 13 and result.cursor == {"last_id": 71008}
    assert {p.snapshot for p in result.posts} == {0, 1}
    assert result.listing is not None and len(result.listing) == 12
    assert result.listing_since == parse_datetime("2023-02-28T07:47:53+00:00")
    server.log.clear()
    again = _fetch(server, "/s/topwar_official", result.cursor)
    assert len(server.hits("/s/topwar_official")) == 1 and again.cursor == {"last_id": 71008}


def test_first_run_goes_back_until_an_empty_page(server: FixtureServer, fixtures_dir: Path) -> None:
    server.routes["/s/topwar_official"] = _channel(fixtures_dir, b"<html><body></body></html>")
    result = _fetch(server, "/s/topwar_official")
    assert len(server.hits("/s/topwar_official")) == 2 and len(result.posts) == 12
    assert result.errors == []


def test_page_with_no_messages_is_a_recorded_error(server: FixtureServer) -> None:
    server.routes["/s/gone"] = Reply(200, b"<html><body>Channel not found</body></html>")
    result = _fetch(server, "/s/gone")
    assert result.posts == [] and "no messages" in result.errors[0]


def test_failing_older_page_keeps_the_newer_posts(
    server: FixtureServer, fixtures_dir: Path
) -> None:
    newest = (fixtures_dir / "telegram" / "topwar_official_channel_page.html").read_bytes()
    server.routes["/s/topwar_official"] = lambda seen: (
        Reply(500, b"down") if seen.query else Reply(200, newest)
    )
    result = _fetch(server, "/s/topwar_official")
    assert len(result.posts) == 12 and "HTTP 500" in result.errors[0]
    assert result.cursor == {"last_id": 71008}


def test_a_failing_older_page_is_recorded_with_its_template_and_values(
    server: FixtureServer, fixtures_dir: Path
) -> None:
    """A later page's error is recorded as the FetchError's Message (template and values), so
    the source's last error can be said in the reader's language; its text is the English."""
    from storage.errors import Message

    newest = (fixtures_dir / "telegram" / "topwar_official_channel_page.html").read_bytes()
    server.routes["/s/topwar_official"] = lambda seen: (
        Reply(500, b"down") if seen.query else Reply(200, newest)
    )
    [error] = _fetch(server, "/s/topwar_official").errors
    assert isinstance(error, Message) and error.endswith(": HTTP 500 (after 3 tries)")
    assert error.template == "{url}: HTTP {status} (after {tries} tries)"
    assert error.params["status"] == 500 and "before=" in error.params["url"]


def test_a_channel_page_with_no_messages_is_recorded_as_a_message(server: FixtureServer) -> None:
    from storage.errors import Message

    server.routes["/s/gone"] = Reply(200, b"<html><body>Channel not found</body></html>")
    [error] = _fetch(server, "/s/gone").errors
    assert isinstance(error, Message) and error.template == "{url}: no messages on the channel page"
