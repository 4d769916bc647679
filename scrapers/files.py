"""Shared I/O of the `jsonl` and `csv` sources: a local path, a file:// URL or an http(s) URL.

The whole file is read each run (conditionally over HTTP); an unchanged sha256 is reported as
not modified so the pipeline skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from scrapers.base import FetchResult, SourceConfig
from scrapers.client import PoliteClient
from scrapers.common import opt_str, respects_robots, scraped
from scrapers.conditional import conditional_headers, validators
from storage.records import PostRecord

__all__ = ["LineParser", "source_url", "fetch_file"]

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
    snapshot = await client.get(
        source_url(source.url),
        headers=conditional_headers(cursor),
        respect_robots=respects_robots(source),
    )
    if snapshot.status == 304 or (snapshot.sha256 == cursor.get("sha256") and snapshot.body):
        return FetchResult(cursor=dict(cursor), not_modified=True)
    result = FetchResult(cursor={**validators(snapshot), "sha256": snapshot.sha256})
    index = result.add_snapshot(snapshot)
    text = snapshot.body.decode("utf-8-sig", "replace")
    records, errors = parse(text, opt_str(source, "platform"))
    result.errors += [f"{source.url}: {e}" for e in errors]
    result.posts = [scraped(r, source, index) for r in _dedupe(records)]
    return result
