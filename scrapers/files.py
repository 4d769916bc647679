"""Shared I/O of the `jsonl` and `csv` sources: a local path, a file:// URL or an http(s) URL.

The whole file is read each run (conditionally over HTTP); an unchanged sha256 is reported as
not modified so the pipeline skips it. The bytes go through the one interchange codec
(storage/interchange.py) that `pantau import` uses, so a file is accepted or rejected the same
way by both: invalid UTF-8 rejects its line, never becomes U+FFFD.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.client import PoliteClient
from scrapers.conditional import conditional_headers, validators
from scrapers.errors import N_
from scrapers.options import opt_str
from scrapers.paging import parse_snapshot, source_get
from scrapers.scraped import scraped
from storage.errors import Message
from storage.interchange import decode_interchange
from storage.records import PostRecord

__all__ = ["MAX_ERRORS", "FileAdapter", "FileFetchResult", "fetch_file", "parse_file", "source_url"]

MAX_ERRORS = 1000  # error messages kept per run; every rejected line is still counted


@dataclass
class FileFetchResult(FetchResult):
    """A file's fetch, with the items the codec refused (`rejected`) and the repeats dropped
    (`duplicates`) counted, so the run reconciles: fetched = posts + duplicates + rejected."""

    rejected: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class ParsedFile:
    records: list[tuple[int, PostRecord]]
    errors: list[str]
    rejected: int


def parse_file(body: bytes, fmt: str, platform: str | None = None) -> ParsedFile:
    """Bytes → (line, record) pairs and `line N: reason` errors (capped at MAX_ERRORS), each a
    `storage.errors.Message`."""
    records: list[tuple[int, PostRecord]] = []
    errors: list[str] = []
    rejected = 0
    for line in decode_interchange(body, fmt=fmt, platform=platform):
        if line.record is not None:
            records.append((line.line, line.record))
            continue
        rejected += 1
        if len(errors) < MAX_ERRORS:
            # a Message (the codec's reason is one): `pantau scrape` prints it translated; the
            # "{where}: {reason}" pattern is structure, no message id
            errors.append(Message("{where}: {reason}", where=Message(N_("line {number}"),
                                                                      number=line.line),
                                  reason=line.error))
    return ParsedFile(records, errors, rejected)


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
    source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient, fmt: str,
) -> FileFetchResult:
    """Read, parse (bad lines → errors with line numbers), dedupe on (platform, external_id)."""
    snapshot = await source_get(client, source, source_url(source.url), conditional_headers(cursor))
    if snapshot.status == 304 or (snapshot.sha256 == cursor.get("sha256") and snapshot.body):
        return FileFetchResult(cursor=dict(cursor), not_modified=True)
    result = FileFetchResult(cursor={**validators(snapshot), "sha256": snapshot.sha256})
    index = result.add_snapshot(snapshot)
    platform = opt_str(source, "platform")

    def parse_body(snapshot: Snapshot) -> ParsedFile:
        return parse_file(snapshot.body, fmt, platform)

    parsed = await parse_snapshot(result, source.url, snapshot, parse_body) or ParsedFile([], [], 0)
    result.errors += [Message("{url}: {error}", url=source.url, error=e) for e in parsed.errors]
    kept = _dedupe(parsed.records)
    result.posts = [scraped(r, source, index) for r in kept]
    result.rejected, result.duplicates = parsed.rejected, len(parsed.records) - len(kept)
    return result


class FileAdapter:
    """Base of the file adapters: a subclass names its `type` (also the codec's format)."""

    type: ClassVar[str]

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        return await fetch_file(source, cursor, client, type(self).type)
