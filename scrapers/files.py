"""Shared I/O of the `jsonl` and `csv` sources: a local path, a file:// URL or an http(s) URL.

The whole file is read each run (conditionally over HTTP); an unchanged sha256 is reported as
not modified so the pipeline skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Mapping
from urllib.parse import urlsplit

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.client import PoliteClient
from scrapers.common import opt_str, parse_snapshot, scraped, source_get
from scrapers.conditional import conditional_headers, validators
from storage.records import PostRecord

__all__ = ["LineParser", "FileAdapter", "source_url", "fetch_file"]

LineParser = Callable[[str, str | None], tuple[list[tuple[int, PostRecord]], list[str]]]


def source_url(url: str) -> str:
    """A bare path becomes a file:// URL; URLs pass through."""
    if urlsplit(url).scheme.lower() in ("http", "https", "file"):
        return url
    return Path(url).expanduser().resolve().as_uri()


def _dedupe(records: list[tuple[int, PostRecord]]) -> list[PostRecord]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for _line, record in records:
        key = (record.platform, record.external_id)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


async def fetch_file(
    source: SourceConfig,
    cursor: Mapping[str, Any],
    client: PoliteClient,
    parse: LineParser,
) -> FetchResult:
    """Read, parse (bad lines → errors with line numbers), dedupe on (platform, external_id)."""
    snapshot = await source_get(client, source, source_url(source.url), conditional_headers(cursor))
    if snapshot.status == 304 or (snapshot.sha256 == cursor.get("sha256") and snapshot.body):
        return FetchResult(cursor=dict(cursor), not_modified=True)
    result = FetchResult(cursor={**validators(snapshot), "sha256": snapshot.sha256})
    index = result.add_snapshot(snapshot)
    platform = opt_str(source, "platform")

    def parse_body(snapshot: Snapshot) -> tuple[list[tuple[int, PostRecord]], list[str]]:
        return parse(snapshot.body.decode("utf-8-sig", "replace"), platform)

    records, errors = await parse_snapshot(result, source.url, snapshot, parse_body) or ([], [])
    result.errors += [f"{source.url}: {e}" for e in errors]
    result.posts = [scraped(r, source, index) for r in _dedupe(records)]
    return result


class FileAdapter:
    """Base of the file adapters: a subclass names its `type` and its line parser."""

    type: ClassVar[str]
    parser: ClassVar[LineParser]

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        return await fetch_file(source, cursor, client, type(self).parser)
