"""Telegram channel preview source: newest page, then `?before=` until the last seen id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import FetchResult, SourceConfig
from scrapers.client import PoliteClient
from scrapers.errors import N_
from scrapers.options import opt_int
from scrapers.paging import fetch_page, text_parser
from scrapers.scraped import scraped
from scrapers.telegram.constants import DEFAULT_MAX_PAGES
from scrapers.telegram.parse import message_number, page_number, parse_page
from storage.errors import Message

__all__ = ["TelegramAdapter", "before_url"]

_PARSE = text_parser(parse_page)


def before_url(url: str, before: int) -> str:
    """The channel page URL asking for messages older than `before`."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "before"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("before", str(before))])))


class TelegramAdapter:
    """Pages go back in time; stop at the last seen message, an empty page or max_pages."""

    type: ClassVar[str] = "telegram"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        last_seen = page_number(str(cursor.get("last_id") or 0)) or 0
        max_pages = opt_int(source, "max_pages", DEFAULT_MAX_PAGES)
        result = FetchResult(cursor={"last_id": last_seen})
        url: str | None = source.url
        page_no, seen, previous_oldest = 0, set[str](), None
        while url is not None and page_no < max_pages:
            fetched = await fetch_page(client, source, url, result, _PARSE, first=page_no == 0)
            if fetched is None:
                break
            page, index = fetched.parsed, fetched.index
            if not page.records:
                if page_no == 0:
                    result.errors.append(
                        Message(N_("{url}: no messages on the channel page"), url=url))
                break
            numbers = [message_number(r.external_id) for r in page.records]
            result.posts += [
                scraped(r, source, index) for r in page.records if r.external_id not in seen
            ]
            seen.update(r.external_id for r in page.records)
            if page_no == 0 and not fetched.snapshot.truncated:
                result.listing = frozenset(r.external_id for r in page.records)
                dates = [r.posted_at for r in page.records if r.posted_at]
                result.listing_since = min(dates) if dates else None
            result.cursor["last_id"] = max(result.cursor["last_id"], *numbers)
            oldest = page.before or min(numbers)
            going_back = previous_oldest is None or oldest < previous_oldest
            more = going_back and min(numbers) > last_seen + 1
            url, previous_oldest = (before_url(source.url, oldest) if more else None), oldest
            page_no += 1
        return result
