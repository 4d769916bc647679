"""Page metadata (pure): title, author, date, language, canonical URL from meta tags and JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.dates import to_datetime
from scrapers.text import squash
from scrapers.url.constants import AUTHOR_META, DATE_META

__all__ = ["json_ld", "meta", "page_author", "page_date", "page_title", "read_date"]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("@graph", []))


def json_ld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (unreadable blocks skipped)."""
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            found.extend(_walk(json.loads(script.get_text() or "null")))
        except (json.JSONDecodeError, RecursionError):
            continue
    return found


def meta(soup: BeautifulSoup, *names: str) -> str:
    """First non-empty `content` of <meta name|property|itemprop=...> among `names`."""
    wanted = {n.lower() for n in names}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in wanted and str(tag.get("content") or "").strip():
            return squash(str(tag["content"]))
    return ""


def page_title(soup: BeautifulSoup, ld: list[dict[str, Any]]) -> str:
    """OpenGraph/Twitter title, JSON-LD headline, then <title>."""
    found = meta(soup, "og:title", "twitter:title")
    found = found or next((squash(str(o["headline"])) for o in ld if o.get("headline")), "")
    title = soup.find("title")
    return found or (squash(title.get_text()) if isinstance(title, Tag) else "")


def _ld_author(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_author(v) for v in value)))
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "")


def page_author(soup: BeautifulSoup, ld: list[dict[str, Any]]) -> str:
    found = meta(soup, *AUTHOR_META)
    found = found or next((_ld_author(o["author"]) for o in ld if o.get("author")), "")
    link = soup.select_one("[rel=author]")
    return squash(found or (link.get_text() if link is not None else ""))


def read_date(value: str) -> datetime | None:
    """ISO 8601, RFC 2822 or a bare YYYY-MM-DD → aware UTC datetime."""
    found = to_datetime(value)
    if found is None and value:
        try:
            found = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        found = found if found.tzinfo else found.replace(tzinfo=UTC)
    return found.astimezone(UTC) if found else None


def page_date(soup: BeautifulSoup, ld: list[dict[str, Any]]) -> datetime | None:
    candidates = [meta(soup, *DATE_META)]
    candidates += [str(o.get("datePublished") or "") for o in ld]
    time_tag = soup.find("time", datetime=True)
    if isinstance(time_tag, Tag):
        candidates.append(str(time_tag["datetime"]))
    for value in candidates:
        found = read_date(value.strip())
        if found:
            return found
    return None
