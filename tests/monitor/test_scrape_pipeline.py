"""A source run end to end against a local HTTP server: stored once, versioned, marked, recorded.

The server's feed is changed between runs the way a real site changes: an item edited, an item
removed, the server failing. Posts stored before a failure stay stored.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.config import SourceSpec, load_settings
from monitor.i18n import gettext_for
from monitor.scrape import ScrapeReport, make_client, run_source
from monitor.sources import add_source
from storage.db import Database
from storage.models import Blob, Post, PostSnapshot, PostVersion, SnapshotRow, Source
from storage.sources import list_sources


class FeedServer:
    """Serves `self.body` at /feed.xml with an ETag; counts requests; can be told to fail."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(dict(self.headers))
                if self.path == "/robots.txt":
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = f'"{hash(outer.body) & 0xFFFFFFFF:x}"'
                if outer.status != 200:
                    self.send_response(outer.status)
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/feed.xml"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(items: dict[str, str]) -> bytes:
    base = datetime(2024, 11, 20, 10, tzinfo=UTC)
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{text}</title><description>{text}</description>"
        f"<link>https://berita.example/{guid}</link>"
        f"<pubDate>{format_datetime(base + timedelta(hours=i))}</pubDate></item>"
        for i, (guid, text) in enumerate(items.items()))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Berita Sultra</title><link>https://berita.example/</link>{entries}</channel></rss>").encode()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    return load_settings(environ={"PANTAU_ALLOW_PRIVATE_NETWORKS": "1", "PANTAU_HOME": str(tmp_path / "home"),
                                  "PANTAU_SCRAPE__MIN_HOST_DELAY": "0", "PANTAU_SCRAPE__MAX_RETRIES": "1",
                                  "PANTAU_SCHEDULER__MIN_INTERVAL": "1s"}, cwd=tmp_path)


def scrape(db: Database, settings, name: str = "berita") -> ScrapeReport:  # type: ignore[no-untyped-def]
    async def go() -> ScrapeReport:
        async with make_client(settings) as client:
            return await run_source(db, name, client=client, scorer=None, settings=settings)
    return asyncio.run(go())


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_first_run_stores_posts_with_their_snapshot(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    feed.body = rss({"a1": "Paslon nomor 1 kampanye di Unaaha", "a2": "Logistik tiba", "a3": "Debat"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    report = scrape(db, settings)
    assert (report.ok, report.fetched, report.new) == (True, 3, 3)
    assert count(db, Post) == 3 and count(db, SnapshotRow) == 1 and count(db, PostSnapshot) == 3
    with db.session() as session:
        blob = session.scalars(select(Blob)).one()
        source = session.scalars(select(Source)).one()
    assert blob.body == feed.body
    assert source.last_success_at is not None and source.posts_collected == 3
    assert "Pantau/" in feed.requests[-1]["User-Agent"]


def test_unchanged_source_is_fetched_conditionally_and_stores_nothing(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    feed.body = rss({"a1": "satu", "a2": "dua"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    scrape(db, settings)
    second = scrape(db, settings)
    assert second.not_modified and second.new == 0
    assert feed.requests[-1].get("If-None-Match")
    assert count(db, Post) == 2


def test_an_edited_post_gets_a_version_and_a_removed_one_is_marked(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    feed.body = rss({"a1": "teks awal", "a2": "tetap", "a3": "akan dihapus"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    scrape(db, settings)
    feed.body = rss({"a1": "teks sudah diedit", "a2": "tetap"})
    report = scrape(db, settings)
    assert (report.updated, report.marked_deleted) == (1, 1)
    with db.session() as session:
        posts = {p.external_id.rsplit("/", 1)[-1]: p for p in session.scalars(select(Post))}
        [old] = session.scalars(select(PostVersion)).all()
    assert posts["a1"].text.startswith("teks sudah diedit") and posts["a1"].version == 2
    assert old.text.startswith("teks awal")
    assert posts["a3"].status == "possibly_deleted" and posts["a3"].text.startswith("akan dihapus")
    assert posts["a2"].status == "active"


@pytest.mark.parametrize("failure", [500, 429, "malformed"])
def test_a_failing_source_is_recorded_and_keeps_what_was_stored(db: Database, feed: FeedServer, settings, failure) -> None:  # type: ignore[no-untyped-def]
    feed.body = rss({"a1": "satu", "a2": "dua"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    scrape(db, settings)
    if failure == "malformed":
        feed.body = b"<rss><channel><item><title>rusak"
    else:
        feed.status = failure
    report = scrape(db, settings)
    assert report.errors and report.new == 0
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    assert source.last_error
    if failure != "malformed":
        assert not report.ok and source.consecutive_failures == 1
    assert count(db, Post) == 2


def test_a_scrapers_error_is_stored_with_its_template_and_values(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    """`last_error` is the English text as before; beside it the ScraperError's template (a
    message id of the cli catalog) and its values, so the monitor can say it in Indonesian."""
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    feed.status = 503
    report = scrape(db, settings)
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    assert not report.ok and report.errors == [source.last_error]
    assert source.last_error == f"FetchError: {feed.url}: HTTP 503 (after 2 tries)"
    assert source.last_error_template == "{url}: HTTP {status} (after {tries} tries)"
    assert source.last_error_params == {"url": feed.url, "status": 503, "tries": 2}


def test_a_rate_limit_is_stored_with_its_reason_as_a_nested_message(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    feed.status = 429
    report = scrape(db, settings)
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    assert source.last_error == f"RateLimited: {feed.url}: HTTP 429 (after 2 tries)"
    assert source.last_error_template == "{url}: HTTP {status} ({why})"
    assert source.last_error_params == {"url": feed.url, "status": 429,
                                        "why": {"template": "after {tries} tries",
                                                "params": {"tries": 2}}}
    assert report.retry_after is None  # the host named no time


def test_a_failure_that_is_no_scrapers_error_keeps_its_type_and_is_said_by_its_kinds_label(db: Database, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A bug's error keeps `Type: text` as the stored English; a reader reads a label for its
    kind instead of the class name: Indonesian by default, English with the English catalog."""
    class Broken:
        type = "rss"

        async def fetch(self, *args: object) -> None:
            raise RuntimeError("adapter bug {x}")

    add_source(db, SourceSpec("berita", "rss", "https://berita.example/feed", interval=60), settings)
    monkeypatch.setattr("monitor.scrape.get_adapter", lambda _type: Broken())
    scrape(db, settings)
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    assert source.last_error == "RuntimeError: adapter bug {x}"
    assert source.last_error_template == "{kind}: {error}"
    with db.reader() as session:
        [row] = list_sources(session)
    assert row.last_error_in(gettext_for("id")) == "Kesalahan tak terduga: adapter bug {x}"
    assert row.last_error_in(gettext_for("en")) == "Unexpected error: adapter bug {x}"


def test_a_store_that_fails_keeps_the_drivers_words_and_is_said_by_its_kinds_label(db: Database, feed: FeedServer, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The database refusing the run's posts: the driver's class name and words stay the
    English text (scripts read it); readers read what kind of failure it was, in Indonesian by
    default, in English with the English catalog."""
    from sqlalchemy.exc import OperationalError

    async def locked(*args: object) -> None:
        raise OperationalError("INSERT INTO posts", {}, Exception("database is locked"))

    feed.body = rss({"a1": "satu"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    monkeypatch.setattr("monitor.scrape._store", locked)
    report = scrape(db, settings)
    english = report.errors[0]
    assert not report.ok and english.startswith(
        "storing failed: OperationalError: (builtins.Exception) database is locked")
    assert english.translated(gettext_for("id")).startswith(
        "penyimpanan gagal: Operasi basis data gagal: (builtins.Exception) database is locked")
    with db.reader() as session:
        [row] = list_sources(session)
    assert row.last_error == english
    assert row.last_error_in(gettext_for("id")) == english.translated(gettext_for("id"))
    assert row.last_error_in(gettext_for("en")).startswith(
        "storing failed: Database operation failed: (builtins.Exception) database is locked")
    assert "OperationalError" not in row.last_error_in(gettext_for("en"))


def test_a_page_without_items_is_stored_with_its_template_and_values(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    """A run that succeeds with a page error (here: no element matches the item selector)
    keeps the English text and, beside it, the error's template and values, the page's URL
    as structure: the monitor says it in Indonesian."""
    feed.body = b"<html><body><p>Tidak ada berita hari ini.</p></body></html>"
    add_source(db, SourceSpec("halaman", "html", feed.url, interval=60,
                              options={"item": "article"}), settings)
    report = scrape(db, settings, "halaman")
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    english = f"{feed.url}: no element matches the item selector 'article'"
    assert report.ok and report.errors == [english] == [source.last_error]
    assert source.last_error_template == "{url}: {error}"
    assert source.last_error_params == {
        "url": feed.url, "error": {"template": "no element matches the item selector {selector!r}",
                                   "params": {"selector": "article"}}}
    with db.reader() as session:
        [row] = list_sources(session)
    assert row.last_error_in(gettext_for("id")) == (
        f"{feed.url}: tidak ada elemen yang cocok dengan selektor item 'article'")


@pytest.mark.parametrize("body", [b"<rss><channel><item><title>rusak", b"bukan umpan sama sekali"],
                         ids=["ends early", "not a feed"])
def test_a_page_that_does_not_parse_is_stored_with_its_template_and_values(db: Database, feed: FeedServer, settings, body: bytes) -> None:  # type: ignore[no-untyped-def]
    feed.body = rss({"a1": "satu"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    scrape(db, settings)
    feed.body = body
    report = scrape(db, settings)
    with db.session() as session:
        source = session.scalars(select(Source)).one()
    assert report.ok and report.errors == [source.last_error]
    assert source.last_error.startswith(f"{feed.url}: ")
    assert source.last_error_template == "{url}: {error}"
    assert source.last_error_params["url"] == feed.url
    assert set(source.last_error_params["error"]) == {"template", "params"}
    with db.reader() as session:
        [row] = list_sources(session)
    indonesian = row.last_error_in(gettext_for("id"))
    assert indonesian and indonesian.startswith(f"{feed.url}: ") and indonesian != row.last_error


def test_a_malformed_mastodon_status_is_stored_with_its_template_and_said_in_indonesian(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]
    """A run that stores the good statuses and skips a malformed one: the source's last error
    is the English text as before, with its template and values beside it, so that it is said
    in Indonesian by default and in English with the English catalog."""
    feed.body = json.dumps([{"id": "1", "content": "<p>Halo</p>", "account": {"acct": "a"}},
                            {"no": "id"}]).encode()
    add_source(db, SourceSpec("toot", "mastodon", feed.url, interval=60), settings)
    report = scrape(db, settings, "toot")
    english = f"{feed.url}: status #1: status without an id"
    assert report.ok and report.new == 1 and report.errors == [english]
    with db.reader() as session:
        [row] = list_sources(session)
    assert row.last_error == english and row.last_error_template == "{url}: {error}"
    assert row.last_error_in(gettext_for("id")) == f"{feed.url}: kiriman #1: status tanpa id"
    assert row.last_error_in(gettext_for("en")) == english
