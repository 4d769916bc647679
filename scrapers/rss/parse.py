"""Feed bytes → PostRecords (pure). feedparser reads RSS 0.9x/1.0/2.0, Atom and YouTube feeds.

feedparser is safe against entity expansion: it strips ENTITY declarations from the DOCTYPE
before parsing and disables external entities in its SAX parser (tests/scrapers/rss pins this
with a billion-laughs feed). Bytes go in, never a string, so feedparser never fetches anything.
"""

from __future__ import annotations

import hashlib
import re
from calendar import timegm
from datetime import UTC, datetime
from typing import Any, Mapping

import feedparser

from scrapers.errors import ParseError
from scrapers.rss.constants import MEDIA_KINDS, PLATFORM, YOUTUBE_PLATFORM
from scrapers.text import html_to_text
from storage.records import Author, Media, PostRecord

__all__ = ["ParsedFeed", "parse_feed"]

_CUT_SHORT = ("no element found", "unclosed token")  # expat at a premature end of document
_CLOSED_ENTRY = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>", re.I)

ParsedFeed = tuple[list[PostRecord], str | None]


def _when(entry: dict[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # dict.get: skip feedparser's deprecated key fallbacks
        if value:
            return datetime.fromtimestamp(timegm(value), UTC)
    return None


def _media(entry: Mapping[str, Any]) -> tuple[Media, ...]:
    found: dict[str, str] = {}
    for item in entry.get("enclosures", []) + entry.get("media_content", []):
        url, kind = item.get("href") or item.get("url"), (item.get("type") or "").split("/")[0]
        if url:
            found.setdefault(url, kind if kind in MEDIA_KINDS else item.get("medium", "link"))
    for item in entry.get("media_thumbnail", []):
        if item.get("url"):
            found.setdefault(item["url"], "image")
    return tuple(Media(url=u, type=k if k in MEDIA_KINDS else "link") for u, k in found.items())


def _author(entry: Mapping[str, Any], feed: Mapping[str, Any]) -> Author:
    source = entry if entry.get("author") else feed
    detail = source.get("author_detail") or {}
    return Author(
        name=html_to_text(source.get("author", "") or ""),
        handle=detail.get("email", "") or "",
        url=detail.get("href", "") or "",
    )


def _body(entry: Mapping[str, Any]) -> str:
    content = entry.get("content") or []
    raw = content[0].get("value", "") if content else entry.get("summary", "")
    return html_to_text(raw or "")


def _extra(entry: dict[str, Any], feed: Mapping[str, Any], title: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"title": title, "feed_title": html_to_text(feed.get("title", ""))}
    tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
    if tags:
        extra["tags"] = tags
    if entry.get("yt_videoid"):
        extra["video_id"] = entry["yt_videoid"]
    views = (entry.get("media_statistics") or {}).get("views")
    if views:
        extra["views"] = int(views) if str(views).isdigit() else views
    updated = dict.get(entry, "updated_parsed")
    if updated:
        extra["updated"] = datetime.fromtimestamp(timegm(updated), UTC).isoformat()
    language = feed.get("language")
    if language:
        extra["language"] = language
    return extra


def _record(entry: dict[str, Any], feed: Mapping[str, Any]) -> PostRecord:
    title = html_to_text(entry.get("title", "") or "")
    body = _body(entry)
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}".strip()
    link = entry.get("link") or None
    external_id = entry.get("id") or link
    if not external_id:
        digest = hashlib.sha256(f"{title}\n{body}\n{entry.get('published', '')}".encode())
        external_id = "sha256:" + digest.hexdigest()[:32]
    platform = YOUTUBE_PLATFORM if entry.get("yt_videoid") else PLATFORM
    return PostRecord(
        platform=platform,
        external_id=str(external_id),
        text=text,
        url=link,
        author=_author(entry, feed),
        posted_at=_when(entry),
        media=_media(entry),
        extra=_extra(entry, feed, title),
    )


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """(records, warning). The warning is set when the feed ends early (truncated or broken
    off; an entry left unclosed is dropped); other leniently parsed quirks (a blank line
    before the XML declaration, undeclared entities) pass silently.

    Raises ParseError when the body is not a feed at all.
    """
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers.setdefault("content-location", url)
    # Relative-URI resolution rewrites attributes inside entry HTML, which html_to_text drops
    # anyway (~20% of the parse). Sanitising stays on: it removes script/applet/style contents.
    parsed = feedparser.parse(
        body, response_headers=response_headers, resolve_relative_uris=False
    )
    warning = None
    if parsed.get("bozo"):
        warning = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    if not parsed.entries and not parsed.get("version") and parsed.get("bozo"):
        raise ParseError(f"not a feed ({warning})")
    entries = list(parsed.entries)
    if warning and any(m in warning for m in _CUT_SHORT):
        if len(entries) > len(_CLOSED_ENTRY.findall(body)):
            entries.pop()  # the document stops inside its last entry: it is incomplete
        warning = f"feed ends early ({warning})"
    else:
        warning = None
    return [_record(e, parsed.feed) for e in entries], warning
