"""rss adapter against the real feeds, YouTube feeds and the feedparser robustness corpus."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import expected, fast_settings, run, with_client
from scrape_server import FixtureServer, Reply

from scrapers import FetchResult, PoliteClient, SourceConfig
from scrapers.rss import RssAdapter
from scrapers.rss.parse import parse_feed
from storage.records import parse_datetime


def _prefix(text: str) -> str:
    return " ".join(text.split())[:40]


def _fetch(
    server: FixtureServer,
    path: str,
    cursor: dict[str, Any] | None = None,
    region: str | None = None,
) -> FetchResult:
    source = SourceConfig("feed", "rss", server.url(path), region=region)

    async def work(client: PoliteClient) -> FetchResult:
        return await RssAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


def _cases(folder: str) -> list[tuple[str, str, dict[str, Any]]]:
    try:
        return [(folder, name, spec) for name, spec in expected(folder).items()]
    except FileNotFoundError:
        return []


def _same_time(record_time: datetime | None, text: str) -> bool:
    from email.utils import parsedate_to_datetime

    want = parsedate_to_datetime(text) if text[:3].isalpha() else parse_datetime(text)
    return record_time == want


@pytest.mark.parametrize(
    ("folder", "name", "spec"),
    _cases("feeds") + _cases("youtube"),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_feed_items_match_expected(
    server: FixtureServer, fixtures_dir: Path, folder: str, name: str, spec: dict[str, Any]
) -> None:
    result = _fetch(server, f"/fixtures/{folder}/{name}", region="Kota Bandung")
    records = [p.record for p in result.posts]
    assert len(records) == spec["count"]
    assert result.errors == []
    for want, got in zip(spec["items"], (records[0], records[-1]), strict=False):
        assert _prefix(got.extra["title"]) == want["title_prefix"]
        assert got.url == want["link"]
        if "id" in want:
            assert got.external_id == want["id"]
        if "author" in want:
            assert got.author.name == want["author"]
        updated = got.extra.get("updated")  # the manifest's "published" is Atom <updated> at times
        assert _same_time(got.posted_at, want["published"]) or (
            updated and _same_time(datetime.fromisoformat(updated), want["published"])
        )
        if "video_id" in want:
            assert got.platform == "youtube" and got.extra["video_id"] == want["video_id"]
        else:
            assert got.platform == "rss"
        assert got.region == "Kota Bandung"
    assert {p.snapshot for p in result.posts} == {0}
    assert result.snapshots[0].sha256 and result.cursor.get("etag") is None


def test_feed_listing_window(server: FixtureServer, fixtures_dir: Path) -> None:
    result = _fetch(server, "/fixtures/feeds/guardian_rss2.xml")
    assert result.listing is not None and len(result.listing) == 55
    assert result.listing_since == min(
        p.record.posted_at for p in result.posts if p.record.posted_at
    )


def test_conditional_get_returns_not_modified(server: FixtureServer, fixtures_dir: Path) -> None:
    body = (fixtures_dir / "feeds" / "huffpost_canada_rss2.xml").read_bytes()

    def feed(seen: Any) -> Reply:
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(
            200,
            body,
            {
                "ETag": '"v1"',
                "Last-Modified": "Tue, 17 Oct 2017 22:17:00 GMT",
                "Content-Type": "application/rss+xml",
            },
        )

    server.routes["/feed"] = feed
    first = _fetch(server, "/feed")
    assert len(first.posts) == 2 and first.cursor["etag"] == '"v1"'
    second = _fetch(server, "/feed", first.cursor)
    assert second.not_modified and second.posts == [] and second.cursor == first.cursor
    assert server.hits("/feed")[1].headers["if-modified-since"] == "Tue, 17 Oct 2017 22:17:00 GMT"


def test_entity_expansion_is_not_performed() -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&l9;</title>'
        "<guid>g1</guid><description>x</description></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    records, _warning = parse_feed(feed, {"content-type": "application/rss+xml"}, "http://x/")
    assert time.monotonic() - started < 5
    assert all(len(r.text) < 10_000 for r in records)


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>a &x; b</title>'
        "<guid>g1</guid></item></channel></rss>"
    ).encode()
    records, _warning = parse_feed(feed, {}, "http://x/")
    assert all("TOPSECRET" not in r.text for r in records)


def _robustness_files(fixtures: Path) -> list[tuple[str, dict[str, Any]]]:
    data = json.loads((fixtures / "feeds-robustness" / "expected.json").read_text())
    return sorted(data["files"].items())


def test_robustness_corpus_never_crashes(
    server: FixtureServer, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _robustness_files(fixtures_dir)
    for name, spec in files:
        headers = dict(h.split(":", 1) for h in spec.get("http_headers", []))
        body = (fixtures_dir / "feeds-robustness" / name).read_bytes()
        server.routes[f"/robust/{name}"] = Reply(
            200, body, {k.strip(): v.strip() for k, v in headers.items()}
        )

    async def work(client: PoliteClient) -> tuple[int, int, int]:
        posts = errors = 0
        for name, _spec in files:
            source = SourceConfig(name, "rss", server.url(f"/robust/{name}"))
            result = await RssAdapter().fetch(source, {}, client)
            posts, errors = posts + len(result.posts), errors + len(result.errors)
        return len(files), posts, errors

    started = time.monotonic()
    count, posts, errors = run(with_client(fast_settings(), work))
    assert count == 272
    assert time.monotonic() - started < 60
    with capsys.disabled():
        print(f"\nfeeds-robustness: {count} files, {posts} posts, {errors} recorded errors")


def test_oversized_feed_is_cut_and_recorded(server: FixtureServer, fixtures_dir: Path) -> None:
    body = (fixtures_dir / "feeds" / "guardian_rss2.xml").read_bytes()
    server.routes["/huge"] = Reply(200, body + b"<!--" + b"x" * 3_000_000 + b"-->")

    async def work(client: PoliteClient) -> FetchResult:
        return await RssAdapter().fetch(SourceConfig("f", "rss", server.url("/huge")), {}, client)

    result = run(with_client(fast_settings(max_response_bytes=1_000_000), work))
    assert result.snapshots[0].truncated and "body cut at 1000000 bytes" in result.errors[0]
    assert len(result.posts) == 55 and result.listing is None


def test_not_a_feed_is_a_recorded_error(server: FixtureServer) -> None:
    server.routes["/nofeed"] = Reply(
        200, b"\x00\x01 binary \xff garbage <<<", {"Content-Type": "text/html"}
    )
    result = _fetch(server, "/nofeed")
    assert result.posts == [] and len(result.errors) == 1 and len(result.snapshots) == 1


def test_feed_broken_off_mid_item_drops_that_item(server: FixtureServer) -> None:
    server.routes["/cut"] = Reply(
        200,
        b'<rss><channel><item><guid isPermaLink="false">1</guid><title>utuh</title></item>'
        b"<item><title>ru",
    )
    result = _fetch(server, "/cut", {"etag": '"old"'})
    assert [p.record.external_id for p in result.posts] == ["1"]
    assert "ends early" in result.errors[0] and result.cursor == {"etag": '"old"'}


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_active_content_in_entries_leaves_only_the_visible_words(kind: str) -> None:
    # feedparser's sanitiser and the text extraction after it: scripts, styles, applets and
    # every tag and attribute are gone
    hostile = ('<p onclick="steal()">Dukung</p><script>alert("x1")</script>'
               '<style>body{background:url(javascript:x2)}</style><applet>x3</applet>'
               '<object data="x4.swf">x4</object><iframe src="javascript:x5">x5</iframe>'
               '<svg><script>x6</script></svg><a href="javascript:x7()">paslon</a>'
               '<img src=x onerror="x8()"> nomor 2<noscript>x9</noscript>')
    if kind == "rss":
        feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
                '<title>judul</title><guid>g1</guid>'
                f'<description><![CDATA[{hostile}]]></description></item></channel></rss>')
    else:
        feed = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
                '<entry><id>g1</id><title>judul</title>'
                f'<content type="html"><![CDATA[{hostile}]]></content></entry></feed>')
    records, _warning = parse_feed(feed.encode(), {}, "http://x/")
    assert len(records) == 1
    words = records[0].text.split()
    assert words[:2] == ["judul", "Dukung"] and "nomor" in words and "paslon" in records[0].text
    # (the fallback text of <object>, <iframe> and <noscript> stays, as it did with the sanitiser)
    for marker in ("x1", "x2", "x3", "x6", "x7", "x8", "steal", "alert", "<", "javascript"):
        assert marker not in records[0].text, marker


@pytest.mark.parametrize(("body", "content_type", "english", "indonesian", "said_in_english"), [
    (b"<rss><channel><item><title>rusak", "application/rss+xml",
     "feed ends early (SAXParseException: <unknown>:2:32: no element found)",
     "feed terputus sebelum selesai (dokumen terpotong sebelum selesai)",
     "feed ends early (the document stops before its end)"),
    (b"bukan umpan sama sekali", "application/xml",
     "not a feed (SAXParseException: <unknown>:2:0: syntax error)",
     "bukan feed (bukan XML)", "not a feed (not XML)"),
    (b"<html><body><p>Berita</p></body></html>", "text/html",
     "not a feed (NonXMLContentType: text/html is not an XML media type)",
     "bukan feed (dikirim sebagai text/html, bukan jenis media XML)",
     "not a feed (served as text/html, which is no XML media type)"),
], ids=["ends early", "not XML", "served as HTML"])
def test_the_parsers_warning_is_said_in_the_readers_language(
        body: bytes, content_type: str, english: str, indonesian: str, said_in_english: str,
) -> None:
    """feedparser's own words stay the English text (stored, logged); a reader reads what is
    wrong in their language, Indonesian by default, English with the English catalog."""
    from monitor.i18n import gettext_for
    from scrapers.errors import ParseError
    from storage.errors import Message

    try:
        warning: Message = parse_feed(body, {"Content-Type": content_type}, "https://x.test/")[1]
    except ParseError as exc:
        warning = exc.as_message()
    assert isinstance(warning, Message) and warning == english
    assert warning.translated(gettext_for("id")) == indonesian
    assert warning.translated(gettext_for("en")) == said_in_english


def test_a_complaint_the_catalog_does_not_know_is_said_in_the_parsers_words() -> None:
    """An expat complaint without a label stays the parser's English text in every language."""
    from xml.sax import SAXParseException

    from scrapers.rss.parse import _warning

    class Where:
        def getSystemId(self) -> None: return None  # noqa: N802, E704
        def getPublicId(self) -> None: return None  # noqa: N802, E704
        def getLineNumber(self) -> int: return 3  # noqa: N802, E704
        def getColumnNumber(self) -> int: return 7  # noqa: N802, E704

    text = _warning(SAXParseException("some new complaint", None, Where()))  # type: ignore[arg-type]
    assert text == "SAXParseException: <unknown>:3:7: some new complaint"
    assert not hasattr(text, "translated")
