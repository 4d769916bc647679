"""RSS/Atom/YouTube feed source: one conditional GET per run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.client import PoliteClient
from scrapers.conditional import conditional_headers, validators
from scrapers.paging import parse_snapshot, source_get
from scrapers.rss.constants import ACCEPT
from scrapers.rss.parse import ParsedFeed, parse_feed
from scrapers.scraped import scraped
from storage.errors import Message

__all__ = ["RssAdapter"]


def _parse(snapshot: Snapshot) -> ParsedFeed:
    return parse_feed(snapshot.body, snapshot.headers, snapshot.url)


class RssAdapter:
    """Feeds list their newest items; the whole feed is parsed each time it changed."""

    type: ClassVar[str] = "rss"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        headers = {"Accept": ACCEPT, **conditional_headers(cursor)}
        snapshot = await source_get(client, source, source.url, headers)
        if snapshot.status == 304:
            return FetchResult(cursor=dict(cursor), not_modified=True)
        result = FetchResult(cursor=validators(snapshot))
        index = result.add_snapshot(snapshot)
        parsed = await parse_snapshot(result, snapshot.url, snapshot, _parse)
        if parsed is None:
            result.cursor = dict(cursor)
            return result
        records, warning = parsed
        if warning:
            # a Message, shown in the reader's language; "{url}: {error}" is structure, no id
            result.errors.append(Message("{url}: {error}", url=snapshot.url, error=warning))
        if warning or snapshot.truncated:
            result.cursor = dict(cursor)  # no validators: fetch the whole feed again next run
        result.posts = [scraped(r, source, index) for r in records]
        dates = [r.posted_at for r in records]
        if records and all(dates) and not snapshot.truncated and not warning:
            result.listing = frozenset(r.external_id for r in records)
            result.listing_since = min(d for d in dates if d)
        return result
