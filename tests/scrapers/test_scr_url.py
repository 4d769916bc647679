"""url adapter (a single reported page) against the real captured pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import expected_cases, fast_settings, run, with_client
from scrape_server import FixtureServer, Reply

from scrapers import FetchResult, InvalidSource, PoliteClient, SourceConfig
from scrapers.url import UrlAdapter


def _fetch(url: str, cursor: dict[str, Any] | None = None, **options: Any) -> FetchResult:
    source = SourceConfig("report-1", "url", url, region="Kab. Garut", options=options)

    async def work(client: PoliteClient) -> FetchResult:
        return await UrlAdapter().fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


@pytest.mark.parametrize(("name", "spec"), expected_cases("html"), ids=lambda v: v if isinstance(v, str) else "")
def test_page_main_text_and_metadata(
    server: FixtureServer, fixtures_dir: Path, name: str, spec: dict[str, Any]
) -> None:
    url = server.url(f"/fixtures/html/{name}")
    result = _fetch(url)
    [post] = result.posts
    record = post.record
    assert spec["body_contains"] in " ".join(record.text.split())
    assert record.extra["html_title"] == spec["title"]
    assert record.extra["lang"] == spec["lang"]
    assert record.extra["canonical"] == spec["canonical"]
    if spec["h1"]:
        assert record.extra["h1"] == spec["h1"]
    assert record.external_id == url and record.platform == "web"
    assert record.region == "Kab. Garut" and result.snapshots[0].body
    assert result.cursor["sha256"] == result.snapshots[0].sha256


def test_metadata_from_opengraph_and_json_ld(server: FixtureServer) -> None:
    page = b"""<html lang="id"><head><title>t</title>
      <meta property="og:title" content="Camat ajak warga pilih paslon">
      <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",
        "author": {"name": "Siti"}, "datePublished": "2024-02-01T10:00:00+07:00"}]}</script>
      </head><body><article><p>Camat X terlihat mengajak warga memilih pasangan calon nomor 2
      dalam acara resmi kecamatan pada hari Senin.</p></article></body></html>"""
    server.routes["/berita"] = Reply(200, page, {"Content-Type": "text/html"})
    result = _fetch(server.url("/berita"), platform="facebook")
    record = result.posts[0].record
    assert record.author.name == "Siti" and record.posted_at is not None
    assert record.posted_at.isoformat() == "2024-02-01T03:00:00+00:00"
    assert record.text.startswith("Camat ajak warga pilih paslon\n\nCamat X terlihat")
    assert record.platform == "facebook"
    assert _fetch(server.url("/berita"), result.cursor).not_modified


def test_reported_file_urls_are_refused() -> None:
    with pytest.raises(InvalidSource):
        _fetch("file:///etc/passwd")
