"""HTML source: selector-driven items, `next` links followed until a known item or max_pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.client import PoliteClient
from scrapers.errors import N_, InvalidSource
from scrapers.html.constants import (
    DEFAULT_MAX_PAGES,
    KNOWN_IDS_KEPT,
    PLATFORM,
    SELECTOR_OPTIONS,
)
from scrapers.html.parse import HtmlPage, parse_items
from scrapers.options import opt_int, opt_str
from scrapers.paging import fetch_page
from scrapers.scraped import scraped
from scrapers.text import decode_body
from storage.errors import Message

__all__ = ["HtmlAdapter"]


def _selectors(source: SourceConfig) -> dict[str, str]:
    selectors = {k: str(source.options[k]) for k in SELECTOR_OPTIONS if source.options.get(k)}
    if "item" not in selectors:
        raise InvalidSource(N_("source {name}: html sources need an `item` selector option"),
                            name=source.name)
    return selectors


class HtmlAdapter:
    """The cursor keeps the ids of the newest page; pagination stops when one reappears."""

    type: ClassVar[str] = "html"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        selectors, known = _selectors(source), set(cursor.get("known") or [])
        platform = opt_str(source, "platform", PLATFORM) or PLATFORM
        result, visited = FetchResult(cursor=dict(cursor)), set[str]()
        url: str | None = source.url
        for page_no in range(opt_int(source, "max_pages", DEFAULT_MAX_PAGES)):
            if url is None or url in visited:
                break
            visited.add(url)

            def parse(snapshot: Snapshot) -> HtmlPage:
                text = decode_body(snapshot.body, snapshot.headers)
                return parse_items(text, snapshot.url, selectors, platform)

            fetched = await fetch_page(client, source, url, result, parse, first=page_no == 0)
            if fetched is None:
                break
            page, index = fetched.parsed, fetched.index
            # Messages, shown in the reader's language; "{url}: {error}" is structure, no id
            result.errors += [Message("{url}: {error}", url=url, error=e) for e in page.errors]
            result.posts += [scraped(r, source, index) for r in page.records]
            ids = [r.external_id for r in page.records]
            if page_no == 0 and ids:
                result.cursor["known"] = ids[:KNOWN_IDS_KEPT]
            url = None if known.intersection(ids) else page.next_url
        return result
