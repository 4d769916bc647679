"""mastodon adapter against real API captures; Link / min_id pagination and the cursor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrape_helpers import expected_cases, fast_settings, run, with_client
from scrape_server import FixtureServer, Reply, Seen

from scrapers import FetchResult, PoliteClient, SourceConfig
from scrapers.mastodon import MastodonAdapter
from scrapers.mastodon.parse import parse_statuses
from storage.records import parse_datetime


def _fetch(server: FixtureServer, path: str, cursor: dict[str, Any] | None = None) -> FetchResult:
    source = SourceConfig("m", "mastodon", server.url(path), options={"max_pages": 3})

    async def work(client: PoliteClient) -> FetchResult:
        return await MastodonAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


def _recorded_headers(fixtures: Path, name: str, server: FixtureServer) -> dict[str, str]:
    sidecar = fixtures / "mastodon" / name.replace(".json", ".headers.json")
    if not sidecar.exists():
        return {"Content-Type": "application/json; charset=utf-8"}
    raw = json.loads(sidecar.read_text())["headers"]
    headers = {k: v[0] for k, v in raw.items() if k not in ("content-length",)}
    headers["link"] = headers["link"].replace("http://localhost:3000", server.url(""))
    return headers


@pytest.mark.parametrize(("name", "spec"), expected_cases("mastodon"), ids=lambda v: v if isinstance(v, str) else "")
def test_statuses_match_expected(
    server: FixtureServer, fixtures_dir: Path, name: str, spec: dict[str, Any]
) -> None:
    body = (fixtures_dir / "mastodon" / name).read_bytes()
    sidecar = fixtures_dir / "mastodon" / name.replace(".json", ".headers.json")
    path = "/api/v1/timelines/public"
    if sidecar.exists():  # serve at the recorded path so the recorded Link header points here
        path = urlsplit(json.loads(sidecar.read_text())["request"]["uri"]).path
    server.routes[path] = lambda seen: Reply(
        200,
        body if "_id=" not in seen.query else b"[]",
        _recorded_headers(fixtures_dir, name, server),
    )
    result = _fetch(server, path)
    records = [p.record for p in result.posts]
    assert len(records) == spec["count"] and result.errors == []
    for want, got in zip(spec["items"], (records[0], records[-1]), strict=False):
        assert got.external_id == want["id"] and got.platform == "mastodon"
        assert got.author.handle == want["author"] and got.author.name == want["display_name"]
        assert got.posted_at == parse_datetime(want["created_at"])
        assert " ".join(got.text.split())[:40] == want["text_prefix"]
        assert got.extra.get("spoiler_text") == want.get("spoiler_text")
        assert got.extra["is_boost"] is False
    assert sum(p.record.extra["is_boost"] for p in result.posts) == spec.get("reblogs_in_file", 0)


def test_author_bio_media_and_boost() -> None:
    status = {
        "id": "9",
        "created_at": "2024-01-01T00:00:00Z",
        "content": "",
        "account": {"acct": "booster"},
        "in_reply_to_id": None,
        "reblog": {
            "id": "7",
            "content": "<p>Pilih <b>nomor 2</b>!<br>Ayo</p>",
            "in_reply_to_id": "5",
            "account": {"acct": "asn@x.id", "note": "<p>ASN</p>"},
            "media_attachments": [{"type": "gifv", "url": "https://x.id/a.mp4"}],
        },
    }
    [record], errors = parse_statuses(json.dumps([status, {"no": "id"}]))
    assert errors == ["status #1: status without an id"]
    assert record.external_id == "9" and record.text == "Pilih nomor 2!\nAyo"
    assert record.author.handle == "asn@x.id" and record.author.bio == "ASN"
    assert record.extra["boosted_by"] == "booster" and record.extra["is_reply"] is True
    assert record.media[0].type == "video"


def test_link_and_min_id_pagination(server: FixtureServer, fixtures_dir: Path) -> None:
    name = "account_statuses_limit5.json"
    body = (fixtures_dir / "mastodon" / name).read_bytes()
    headers = _recorded_headers(fixtures_dir, name, server)
    path = "/api/v1/accounts/117020565966271181/statuses"

    def route(seen: Seen) -> Reply:
        return Reply(200, b"[]" if seen.query != "limit=5" else body, headers)

    server.routes[path] = route
    first = _fetch(server, path + "?limit=5")
    assert [s.query for s in server.hits(path)] == ["limit=5", "limit=5&max_id=117020580489281910"]
    assert len(first.posts) == 5 and first.cursor == {"last_id": "117020580518794573"}
    server.log.clear()
    second = _fetch(server, path + "?limit=5", first.cursor)
    assert [s.query for s in server.hits(path)] == ["limit=5&min_id=117020580518794573"]
    assert second.posts == [] and second.cursor == first.cursor


def test_malformed_json_is_a_recorded_error(server: FixtureServer) -> None:
    server.routes["/api/v1/timelines/tag/x"] = Reply(200, b'[{"id": "1", "content": ', {})
    result = _fetch(server, "/api/v1/timelines/tag/x")
    assert result.posts == [] and "malformed JSON" in result.errors[0]
    assert len(result.snapshots) == 1


def test_a_malformed_status_is_recorded_as_a_message_said_in_indonesian(
    server: FixtureServer,
) -> None:
    """One malformed status costs only itself; its error is a Message (the URL, the status's
    number and the reason as values), so a source's last error says it in the reader's
    language: Indonesian by default, English with the English catalog."""
    from monitor.i18n import gettext_for
    from storage.errors import Message

    good = {"id": "1", "content": "<p>Halo</p>", "account": {"acct": "a"}}
    server.routes["/api/v1/timelines/tag/x"] = Reply(200, json.dumps([good, {"no": "id"}]).encode())
    result = _fetch(server, "/api/v1/timelines/tag/x")
    url = server.url("/api/v1/timelines/tag/x")
    [error] = result.errors
    assert len(result.posts) == 1 and isinstance(error, Message)
    assert error == f"{url}: status #1: status without an id"  # the English text, as before
    assert error.translated(gettext_for("id")) == f"{url}: kiriman #1: status tanpa id"
    assert error.translated(gettext_for("en")) == error


def test_a_status_that_fails_for_another_reason_says_it_as_it_is_within_a_message() -> None:
    """A reason that is no error of ours (a bug, hostile JSON) is its type and text in English,
    inside the status's Message; the status's number is said in the reader's language."""
    from monitor.i18n import gettext_for
    from storage.errors import Message

    status = {"id": "1", "account": {"acct": "a"}, "media_attachments": [1]}
    [error] = parse_statuses(json.dumps([status]))[1]
    assert isinstance(error, Message)
    assert error == "status #0: AttributeError: 'int' object has no attribute 'get'"
    assert error.translated(gettext_for("id")) == (
        "kiriman #0: AttributeError: 'int' object has no attribute 'get'")
    assert error.template == "status #{number}: {reason}"
