"""Bluesky source: newest page, then older pages by `cursor` until a post we already know."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import FetchResult, SourceConfig
from scrapers.bluesky.constants import DEFAULT_MAX_PAGES
from scrapers.bluesky.parse import parse_page
from scrapers.client import PoliteClient
from scrapers.dates import to_datetime
from scrapers.options import opt_int
from scrapers.paging import fetch_page, text_parser
from scrapers.scraped import scraped
from storage.errors import Message
from storage.records import PostRecord

__all__ = ["BlueskyAdapter", "with_cursor"]

_ACCEPT = {"Accept": "application/json"}
_PARSE = text_parser(parse_page)


def with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "cursor"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("cursor", cursor)])))


def _seen_at(record: PostRecord) -> datetime | None:
    """When the item entered the feed: the repost time for reposts, else indexing time."""
    return (
        to_datetime(record.extra.get("reposted_at") or record.extra.get("indexedAt"))
        or record.posted_at
    )


class BlueskyAdapter:
    """The cursor keeps the newest feed time seen; older pages stop once they reach it."""

    type: ClassVar[str] = "bluesky"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        known = to_datetime(cursor.get("newest"))
        result = FetchResult(cursor=dict(cursor))
        url: str | None = source.url
        max_pages, seen = opt_int(source, "max_pages", DEFAULT_MAX_PAGES), set[str]()
        for page_no in range(max_pages):
            if url is None:
                break
            fetched = await fetch_page(
                client, source, url, result, _PARSE, first=page_no == 0, headers=_ACCEPT
            )
            if fetched is None:
                break
            page, index = fetched.parsed, fetched.index
            # Messages, shown in the reader's language; "{url}: {error}" is structure, no id
            result.errors += [Message("{url}: {error}", url=url, error=e) for e in page.errors]
            times = [t for t in map(_seen_at, page.records) if t]
            result.posts += [
                scraped(r, source, index) for r in page.records if r.external_id not in seen
            ]
            seen.update(r.external_id for r in page.records)
            current = to_datetime(result.cursor.get("newest"))
            if times:
                result.cursor["newest"] = max([*times, current] if current else times).isoformat()
            reached = known is not None and any(t <= known for t in times)
            url = (
                with_cursor(source.url, page.cursor)
                if page.cursor and page.records and not reached
                else None
            )
        return result
