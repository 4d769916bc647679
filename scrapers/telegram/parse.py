"""t.me/s page HTML → PostRecords (pure).

One record per `div.tgme_widget_message[data-post]`; the text is the bubble's own
`tgme_widget_message_text` (a reply's quoted text is not the message's). Views, forwarded-from,
signature, polls and media links go to `extra` / `media`. Read with XPath on lxml's own tree
(the bounded one from scrapers.bounded), not a BeautifulSoup tree: ~4× less CPU per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from scrapers.bounded import PageBudget, parse_html
from scrapers.dates import to_datetime
from scrapers.telegram.constants import BACKGROUND_URL, PLATFORM
from scrapers.treetext import has_class, joined_text, tree_text
from storage.records import Author, Media, PostRecord

__all__ = ["TelegramPage", "message_number", "parse_page"]


@dataclass(frozen=True)
class TelegramPage:
    records: list[PostRecord]
    channel_title: str
    before: int | None  # the page's own "older messages" cursor, when it shows one


_POST_ID = re.compile(r"[A-Za-z0-9_]{1,64}/([0-9]{1,18})")  # ASCII digits: "³".isdigit() too
_NUMBER = re.compile(r"[0-9]{1,18}")
_VIEWS = re.compile(r"([0-9]{1,15}(?:[.,][0-9]{1,3})?)([KM]?)")


def message_number(external_id: str) -> int:
    """`channel/123` → 123 (external ids come from `parse_page`, which checked them)."""
    match = _POST_ID.fullmatch(external_id)
    if match is None:
        raise ValueError(f"not a Telegram message id: {external_id!r}")
    return int(match.group(1))


def page_number(value: str | None) -> int | None:
    """A `data-before` cursor or stored id: ASCII digits only, else None."""
    value = (value or "").strip()
    return int(value) if _NUMBER.fullmatch(value) else None


@lru_cache(maxsize=64)
def _xpath(expression: str) -> etree.XPath:
    """Compiled once: `element.xpath(text)` compiles its expression on every call, which was
    most of a page's parse (~100 lookups per page)."""
    return etree.XPath(expression)


_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space splits on


class _Below:
    """The elements below one message (or poll), each with its class tokens, in document order:
    one walk answers all of a message's ~10 class lookups (an XPath per lookup scanned the
    subtree and split every class attribute again each time)."""

    def __init__(self, node: Any) -> None:
        self.items = [
            (el, frozenset(_XML_SPACE.split(el.get("class") or "")))
            for el in node.iterdescendants()
            if isinstance(el.tag, str)
        ]

    def first(self, name: str, tag: str = "*") -> Any | None:
        """First descendant carrying class `name` (and of element `tag`)."""
        for el, classes in self.items:
            if name in classes and (tag == "*" or el.tag == tag):
                return el
        return None

    def every(self, *selectors: tuple[str, str, str]) -> list[Any]:
        """Descendants matching any (tag, class, required attribute), in document order."""
        return [
            el
            for el, classes in self.items
            if any(
                name in classes and (tag == "*" or el.tag == tag) and (not attr or attr in el.attrib)
                for tag, name, attr in selectors
            )
        ]


def _cls(node: Any, name: str, tag: str = "*") -> Any | None:
    """First descendant carrying class `name` (page-level lookups, once per page)."""
    found = _xpath(f".//{tag}[{has_class(name)}]")(node)
    return found[0] if found else None


def _all(node: Any, *selectors: tuple[str, str, str]) -> list[Any]:
    """Descendants matching any (tag, class, required attribute), in document order."""
    tests = " or ".join(
        f"(self::{tag} and {has_class(name)}{f' and @{attr}' if attr else ''})"
        for tag, name, attr in selectors
    )
    return list(_xpath(f".//*[{tests}]")(node))


def _text(node: Any | None) -> str:
    return joined_text(node, " ") if node is not None else ""


def _views(raw: str) -> int | None:
    """`1.2K` → 1200, `3M` → 3000000; anything else (`inf`, `nan`, `1e400`, `³`) → None."""
    match = _VIEWS.fullmatch(raw.strip().upper())
    if match is None:
        return None
    scale = {"K": 1_000, "M": 1_000_000}.get(match.group(2), 1)
    return round(float(match.group(1).replace(",", ".")) * scale)


def _media(message: Any, below: _Below) -> tuple[Media, ...]:
    found: dict[str, str] = {}
    wraps = ("*", "tgme_widget_message_photo_wrap", ""), ("*", "tgme_widget_message_video_thumb", "")
    for wrap in below.every(*wraps):
        match = BACKGROUND_URL.search(wrap.get("style") or "")
        if match and "photo" in (wrap.get("class") or ""):
            found.setdefault(match.group(1), "image")
    for video in _xpath(".//video[@src]")(message):
        found.setdefault(video.get("src"), "video")
    links = ("a", "tgme_widget_message_document_wrap", "href"), (
        "a", "tgme_widget_message_link_preview", "href")
    for link in below.every(*links):
        found.setdefault(link.get("href"), "link")
    return tuple(Media(url=u, type=k) for u, k in found.items())


def _poll(below: _Below) -> str:
    poll = below.first("tgme_widget_message_poll")
    if poll is None:
        return ""
    inside = _Below(poll)
    question = _text(inside.first("tgme_widget_message_poll_question"))
    options = [_text(o) for o in inside.every(("*", "tgme_widget_message_poll_option_text", ""))]
    return "\n".join([question, *(f"- {o}" for o in options)]).strip()


def _extra(below: _Below, channel: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"channel": channel}
    views = below.first("tgme_widget_message_views")
    count = _views(joined_text(views, "")) if views is not None else None
    if count is not None:
        extra["views"] = count
    forwarded = below.first("tgme_widget_message_forwarded_from_name")
    if forwarded is not None:
        extra["forwarded_from"] = _text(forwarded)
        if forwarded.get("href"):
            extra["forwarded_from_url"] = forwarded.get("href")
    signature = below.first("tgme_widget_message_from_author")
    if signature is not None:
        extra["signature"] = joined_text(signature, "")  # an emoji glued to the name
    reply = below.every(("a", "tgme_widget_message_reply", "href"))
    if reply:
        extra["reply_to"] = reply[0].get("href")
    if below.first("tgme_widget_message_poll") is not None:
        extra["poll"] = True
    return extra


def _record(message: Any, external_id: str) -> PostRecord:
    channel = external_id.rsplit("/", 1)[0]
    below = _Below(message)
    bubble = below.first("tgme_widget_message_bubble")
    bubble = message if bubble is None else bubble
    text_nodes = _xpath(f"./div[{has_class('tgme_widget_message_text')}]")(bubble)
    text = tree_text(text_nodes[0]) if text_nodes else ""
    poll = _poll(below)
    text = f"{text}\n\n{poll}".strip() if poll else text
    owner = below.first("tgme_widget_message_owner_name")
    link = below.first("tgme_widget_message_date", "a")
    dates = _xpath(".//time[@datetime]")(link) if link is not None else []
    href = link.get("href") if link is not None else None
    return PostRecord(
        platform=PLATFORM,
        external_id=external_id,
        text=text,
        url=href or f"https://t.me/{external_id}",
        author=Author(handle=channel, name=_text(owner), url=f"https://t.me/{channel}"),
        posted_at=to_datetime(dates[0].get("datetime")) if dates else None,
        media=_media(message, below),
        extra=_extra(below, channel),
    )


def parse_page(markup: str, budget: PageBudget | None = None) -> TelegramPage:
    """Every message of a t.me/s page (or fragment), in page order (oldest first). Messages whose
    `data-post` is not `channel/<ASCII digits>` are skipped; ParseError beyond the limits."""
    budget = budget or PageBudget()
    tree = parse_html(markup, budget)  # lxml's own tree, within element/depth/time limits
    records = []
    for message in _xpath(f"//div[{has_class('tgme_widget_message')}][@data-post]")(tree):
        external_id = message.get("data-post") or ""
        if _POST_ID.fullmatch(external_id):
            records.append(_record(message, external_id))
            budget.check(f"message {len(records)}")
    title = _text(_cls(tree, "tgme_channel_info_header_title"))
    more = _all(tree, ("a", "tme_messages_more", "data-before"))
    before = page_number(more[0].get("data-before")) if more else None
    return TelegramPage(records, title, before)
