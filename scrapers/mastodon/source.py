"""Mastodon timeline source: `min_id` since the last seen status, then newer pages by Link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import FetchResult, SourceConfig
from scrapers.client import PoliteClient
from scrapers.ids import id_key
from scrapers.mastodon.constants import DEFAULT_MAX_PAGES
from scrapers.mastodon.parse import parse_links, parse_statuses
from scrapers.options import opt_int
from scrapers.paging import fetch_page, text_parser
from scrapers.scraped import scraped
from storage.errors import Message

__all__ = ["MastodonAdapter", "with_min_id"]

_ACCEPT = {"Accept": "application/json"}
_PARSE = text_parser(parse_statuses)


def with_min_id(url: str, min_id: str) -> str:
    """The timeline URL asking for statuses right after `min_id`."""
    parts = urlsplit(url)
    drop = {"min_id", "max_id", "since_id"}
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in drop]
    return urlunsplit(parts._replace(query=urlencode([*query, ("min_id", min_id)])))


class MastodonAdapter:
    """First run: newest page then older (`rel=next`). Later runs: `min_id`, then `rel=prev`."""

    type: ClassVar[str] = "mastodon"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        last_id = str(cursor.get("last_id") or "")
        direction = "prev" if last_id else "next"
        url: str | None = with_min_id(source.url, last_id) if last_id else source.url
        result = FetchResult(cursor={"last_id": last_id} if last_id else {})
        max_pages, seen = opt_int(source, "max_pages", DEFAULT_MAX_PAGES), set[str]()
        for page_no in range(max_pages):
            if url is None:
                break
            page = await fetch_page(
                client, source, url, result, _PARSE, first=page_no == 0, headers=_ACCEPT
            )
            if page is None:
                break
            (records, errors), index = page.parsed, page.index
            # Messages, shown in the reader's language; "{url}: {error}" is structure, no id
            result.errors += [Message("{url}: {error}", url=url, error=e) for e in errors]
            fresh = [
                r
                for r in records
                if r.external_id not in seen
                and (not last_id or id_key(r.external_id) > id_key(last_id))
            ]
            seen.update(r.external_id for r in fresh)
            result.posts += [scraped(r, source, index) for r in fresh]
            if fresh:
                newest = max((r.external_id for r in fresh), key=id_key)
                current = result.cursor.get("last_id") or newest
                result.cursor["last_id"] = max(current, newest, key=id_key)
            links = parse_links(page.snapshot.headers.get("link"))
            url = links.get(direction) if fresh else None
        return result
