"""Feed bytes → PostRecords (pure). feedparser reads RSS 0.9x/1.0/2.0, Atom and YouTube feeds.

Before feedparser runs, `scrapers.rss.prepare` bounds the document (size, nesting, time),
drops any DTD internal subset (no entity expansion; feedparser also disables external
entities), replaces charset labels that name no text encoding, and reads each item's own
guid/link, which win over what feedparser gathered from extension elements. Bytes go in,
never a string, so feedparser never fetches anything.
"""

from __future__ import annotations

import hashlib
import re
from calendar import timegm
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser

from scrapers.bounded import PageBudget
from scrapers.errors import N_, ParseError
from scrapers.rss.constants import MEDIA_KINDS, PLATFORM, YOUTUBE_PLATFORM
from scrapers.rss.prepare import OwnIds, feed_headers, item_ids, safe_body
from scrapers.text import html_to_text
from storage.errors import Message, Worded
from storage.records import Author, Media, PostRecord

__all__ = ["ParsedFeed", "parse_feed"]

_CUT_SHORT = ("no element found", "unclosed token")  # expat at a premature end of document
_CLOSED_ENTRY = re.compile(rb"</(?:[\w-]+:)?(?:item|entry)\s*>", re.IGNORECASE)

_COUNT = re.compile(r"[0-9]{1,18}")  # ASCII digits: "³".isdigit() is True too

# expat's words for what is wrong with a document, said to readers in their language
_EXPAT = {
    "no element found": N_("the document stops before its end"),
    "unclosed token": N_("a tag is left unclosed"),
    "syntax error": N_("not XML"),
    "not well-formed (invalid token)": N_("a character or tag XML does not allow"),
    "mismatched tag": N_("a closing tag that does not match its opening tag"),
    "undefined entity": N_("an undefined entity"),
    "junk after document element": N_("text after the end of the document"),
    "XML or text declaration not at start of entity": N_("the XML declaration is not at the start"),
    "unclosed CDATA section": N_("a CDATA section is left unclosed"),
}
_NOT_XML = re.compile(r"(\S{1,100}) is not an XML media type")  # feedparser's NonXMLContentType

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
        text = str(views).strip()
        extra["views"] = int(text) if _COUNT.fullmatch(text) else text[:100]
    updated = dict.get(entry, "updated_parsed")
    if updated:
        extra["updated"] = datetime.fromtimestamp(timegm(updated), UTC).isoformat()
    language = feed.get("language")
    if language:
        extra["language"] = language
    return extra


def _record(
    entry: dict[str, Any], feed: Mapping[str, Any], own: OwnIds, base: str
) -> PostRecord:
    title = html_to_text(entry.get("title", "") or "")
    body = _body(entry)
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}".strip()
    link = urljoin(base, own.link) if own.link else entry.get("link") or None
    external_id = own.guid or entry.get("id") or link
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


def _warning(exc: object) -> str:
    """feedparser's complaint as one line: `Type: text`, the parser's own English words (kept
    as they are in the stored text), `Worded` so that a reader reads what is wrong in their
    language when the complaint is a known one (expat's, or a body not served as XML). The
    parser's line and column are left out for readers: they count in the document feedparser
    re-encoded, not in the one fetched."""
    text = f"{type(exc).__name__}: {exc}"
    label = _EXPAT.get(exc.getMessage()) if isinstance(exc, SAXParseException) else None
    if label is not None:
        return Worded(text, label)
    served = _NOT_XML.fullmatch(str(exc)) if type(exc).__name__ == "NonXMLContentType" else None
    if served:
        return Worded(text, N_("served as {media_type}, which is no XML media type"),
                      media_type=served.group(1))
    return text


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """(records, warning). The warning is set when the feed ends early (truncated or broken
    off; an entry left unclosed is dropped); other leniently parsed quirks (a blank line
    before the XML declaration, undeclared entities) pass silently.

    Raises ParseError when the body is not a feed at all.
    """
    budget = PageBudget()
    own_ids = item_ids(body, budget)
    # Relative-URI resolution rewrites attributes inside entry HTML, which html_to_text drops
    # anyway (~20% of the parse). Sanitising stays on: turning it off saved 0-10% of the parse
    # of the captured feeds (2026-12-02, quiet machine), not worth a second line of defence
    # (html_to_text drops script, style and applet contents itself as well).
    parsed = feedparser.parse(
        safe_body(body, headers),
        response_headers=feed_headers(body, headers, url),
        resolve_relative_uris=False,
    )
    budget.check("feedparser")
    warning = _warning(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    if not parsed.entries and not parsed.get("version") and parsed.get("bozo"):
        raise ParseError(N_("not a feed ({warning})"), warning=warning)
    entries = list(parsed.entries)
    if own_ids is None or len(own_ids) != len(entries):
        own_ids = [OwnIds(None, None)] * len(entries)  # lxml read the items differently
    if warning and any(m in warning for m in _CUT_SHORT):
        if len(entries) > len(_CLOSED_ENTRY.findall(body)):
            entries.pop()  # the document stops inside its last entry: it is incomplete
        warning = Message(N_("feed ends early ({warning})"), warning=warning)
    else:
        warning = None
    records = []
    for entry, own in zip(entries, own_ids, strict=False):
        records.append(_record(entry, parsed.feed, own, url))
        budget.check(f"item {len(records)}")
    return records, warning
