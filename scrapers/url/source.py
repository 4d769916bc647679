"""A single reported page: fetched once, snapshotted, main text and metadata extracted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.client import PoliteClient
from scrapers.errors import N_, InvalidSource
from scrapers.options import opt_str
from scrapers.paging import parse_snapshot, source_get
from scrapers.scraped import scraped
from scrapers.text import decode_body
from scrapers.url.constants import PLATFORM
from scrapers.url.parse import parse_page
from storage.errors import Message
from storage.records import PostRecord

__all__ = ["UrlAdapter"]

_ACCEPT = {"Accept": "text/html,*/*;q=0.8"}


class UrlAdapter:
    """Reported URLs come from the public: only http(s), never file://. Fetched once per cursor."""

    type: ClassVar[str] = "url"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        if urlsplit(source.url).scheme.lower() not in ("http", "https"):
            raise InvalidSource(N_("{url}: a reported page must be an http(s) URL"), url=source.url)
        if cursor.get("fetched"):
            return FetchResult(cursor=dict(cursor), not_modified=True)
        platform = opt_str(source, "platform", PLATFORM) or PLATFORM

        def parse(snapshot: Snapshot) -> PostRecord:
            text = decode_body(snapshot.body, snapshot.headers)
            return parse_page(text, source.url, snapshot.url, platform)

        snapshot = await source_get(client, source, source.url, _ACCEPT)
        result = FetchResult(
            cursor={"fetched": snapshot.fetched_at.isoformat(), "sha256": snapshot.sha256}
        )
        index = result.add_snapshot(snapshot)
        record = await parse_snapshot(result, source.url, snapshot, parse)
        if record is None or not record.text:
            result.errors.append(Message(N_("{url}: no text found on the page"), url=source.url))
            return result
        result.posts.append(scraped(record, source, index))
        return result
