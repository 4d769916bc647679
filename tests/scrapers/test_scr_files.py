"""jsonl and csv adapters: local path, file:// and http(s); bad lines reported by number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrape_helpers import fast_settings, run, with_client
from scrape_server import FixtureServer, Reply

from scrapers import FetchResult, PoliteClient, SourceConfig, get_adapter

GOOD = {
    "platform": "x",
    "external_id": 1,
    "text": "Ayo coblos nomor 1",
    "author": {"handle": "asn"},
    "posted_at": "2024-02-01T10:00:00",
    "extra_field": "kept",
}
JSONL = (
    "\n".join(
        [
            json.dumps(GOOD),
            "{not json",
            json.dumps({"platform": "x", "text": "no id"}),
            "",
            json.dumps(GOOD),
            json.dumps({**GOOD, "external_id": "2"}),
        ]
    )
    + "\n"
)
CSV = (
    "platform,external_id,text,author_handle,media,label\n"
    "tiktok,10,Dukung pak bupati,camat_a,https://v.id/a.mp4,1\n"
    "tiktok,,missing id,,,\n"
    "tiktok,11,,,,\n"
    "tiktok,12,halo,,,2\n"
)


def _fetch(kind: str, url: str, cursor: dict[str, Any] | None = None) -> FetchResult:
    source = SourceConfig("f", kind, url, region="Kota Medan")

    async def work(client: PoliteClient) -> FetchResult:
        return await get_adapter(kind).fetch(source, cursor or {}, client)

    return run(with_client(fast_settings(), work))


def test_jsonl_local_path_keeps_good_lines(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(JSONL)
    result = _fetch("jsonl", str(path))
    assert [p.record.external_id for p in result.posts] == ["1", "2"]
    assert result.posts[0].record.extra == {"extra_field": "kept"}
    assert result.posts[0].record.region == "Kota Medan"
    assert [e.split(": ", 1)[1].split(":")[0] for e in result.errors] == ["line 2", "line 3"]
    again = _fetch("jsonl", path.as_uri(), result.cursor)
    assert again.not_modified


def test_jsonl_over_http(server: FixtureServer) -> None:
    server.routes["/export.jsonl"] = Reply(200, JSONL.encode(), {"ETag": '"e1"'})
    result = _fetch("jsonl", server.url("/export.jsonl"))
    assert len(result.posts) == 2 and result.cursor["etag"] == '"e1"'


def test_csv_rows(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(CSV)
    result = _fetch("csv", path.as_uri())
    [post] = result.posts
    assert post.record.author.handle == "camat_a" and post.record.label == 1
    assert post.record.media[0].type == "video"
    assert len(result.errors) == 3
    assert ["line 3", "line 4", "line 5"] == [e.split(": ")[1] for e in result.errors]


def test_a_file_that_cannot_be_read_keeps_the_systems_words_and_gives_a_short_reason(
    tmp_path: Path,
) -> None:
    """The English text keeps the system's words (scripts read it); a reader reads a short
    reason for a known errno, in Indonesian by default."""
    from monitor.i18n import gettext_for
    from scrapers.errors import FetchError
    from scrapers.localfile import read_file_url

    url = (tmp_path / "hilang.jsonl").as_uri()
    with pytest.raises(FetchError) as raised:
        read_file_url(url, 1000)
    assert str(raised.value) == f"{url}: cannot read: No such file or directory"
    assert raised.value.translated(gettext_for("id")) == (
        f"{url}: tidak dapat dibaca: berkas tidak ditemukan")
    assert raised.value.translated(gettext_for("en")) == f"{url}: cannot read: file not found"
