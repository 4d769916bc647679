"""t.me/s page HTML → PostRecords (pure).

One record per `div.tgme_widget_message[data-post]`; the text is the bubble's own
`tgme_widget_message_text` (a reply's quoted text is not the message's). Views, forwarded-from,
signature, polls and media links go to `extra` / `media`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.bounded import PageBudget, parse_html
from scrapers.dates import to_datetime
from scrapers.telegram.constants import BACKGROUND_URL, PLATFORM
from scrapers.text import element_text, squash
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


def _cls(node: Tag, name: str, tag: str | None = None) -> Tag | None:
    """First descendant carrying class `name` (bs4's find: much cheaper than CSS select)."""
    found = node.find(tag, class_=name)
    return found if isinstance(found, Tag) else None


def _text(node: Tag | None) -> str:
    return squash(node.get_text(" ")) if node is not None else ""


def _views(raw: str) -> int | None:
    """`1.2K` → 1200, `3M` → 3000000; anything else (`inf`, `nan`, `1e400`, `³`) → None."""
    match = _VIEWS.fullmatch(raw.strip().upper())
    if match is None:
        return None
    scale = {"K": 1_000, "M": 1_000_000}.get(match.group(2), 1)
    return round(float(match.group(1).replace(",", ".")) * scale)


def _media(message: Tag) -> tuple[Media, ...]:
    found: dict[str, str] = {}
    for wrap in message.select(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_thumb"):
        match = BACKGROUND_URL.search(str(wrap.get("style", "")))
        if match and "photo" in " ".join(wrap.get("class", [])):
            found.setdefault(match.group(1), "image")
    for video in message.select("video[src]"):
        found.setdefault(str(video["src"]), "video")
    for link in message.select(
        "a.tgme_widget_message_document_wrap[href], a.tgme_widget_message_link_preview[href]"
    ):
        found.setdefault(str(link["href"]), "link")
    return tuple(Media(url=u, type=k) for u, k in found.items())


def _poll(message: Tag) -> str:
    poll = _cls(message, "tgme_widget_message_poll")
    if poll is None:
        return ""
    question = _text(_cls(poll, "tgme_widget_message_poll_question"))
    options = [_text(o) for o in poll.select(".tgme_widget_message_poll_option_text")]
    return "\n".join([question, *(f"- {o}" for o in options)]).strip()


def _extra(message: Tag, channel: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"channel": channel}
    views = _cls(message, "tgme_widget_message_views")
    count = _views(views.get_text()) if views is not None else None
    if count is not None:
        extra["views"] = count
    forwarded = _cls(message, "tgme_widget_message_forwarded_from_name")
    if forwarded is not None:
        extra["forwarded_from"] = _text(forwarded)
        if forwarded.get("href"):
            extra["forwarded_from_url"] = str(forwarded["href"])
    signature = _cls(message, "tgme_widget_message_from_author")
    if signature is not None:
        extra["signature"] = squash(signature.get_text())  # an emoji glued to the name
    reply = message.select_one("a.tgme_widget_message_reply[href]")
    if reply is not None:
        extra["reply_to"] = str(reply["href"])
    if _cls(message, "tgme_widget_message_poll") is not None:
        extra["poll"] = True
    return extra


def _record(message: Tag) -> PostRecord:
    external_id = str(message["data-post"])
    channel = external_id.rsplit("/", 1)[0]
    bubble = _cls(message, "tgme_widget_message_bubble") or message
    text_node = bubble.find("div", class_="tgme_widget_message_text", recursive=False)
    text = element_text(text_node) if isinstance(text_node, Tag) else ""
    poll = _poll(message)
    text = f"{text}\n\n{poll}".strip() if poll else text
    owner = _cls(message, "tgme_widget_message_owner_name")
    extra = _extra(message, channel)
    link = _cls(message, "tgme_widget_message_date", "a")
    date = link.find("time", datetime=True) if link is not None else None
    return PostRecord(
        platform=PLATFORM,
        external_id=external_id,
        text=text,
        url=str(link["href"])
        if link is not None and link.get("href")
        else f"https://t.me/{external_id}",
        author=Author(handle=channel, name=_text(owner), url=f"https://t.me/{channel}"),
        posted_at=to_datetime(str(date["datetime"])) if isinstance(date, Tag) else None,
        media=_media(message),
        extra=extra,
    )


def _message_id(message: Tag) -> str | None:
    value = message.get("data-post")
    return value if isinstance(value, str) and _POST_ID.fullmatch(value) else None


def parse_page(markup: str, budget: PageBudget | None = None) -> TelegramPage:
    """Every message of a t.me/s page (or fragment), in page order (oldest first). Messages whose
    `data-post` is not `channel/<ASCII digits>` are skipped; ParseError beyond the limits."""
    budget = budget or PageBudget()
    parse_html(markup, budget)  # element, depth and time limits before the soup is built
    soup = BeautifulSoup(markup, "lxml")
    records = []
    for message in soup.find_all("div", class_="tgme_widget_message"):
        if _message_id(message) is not None:
            records.append(_record(message))
            budget.check(f"message {len(records)}")
    title = _text(soup.select_one(".tgme_channel_info_header_title"))
    more = soup.select_one("a.tme_messages_more[data-before]")
    before = page_number(str(more["data-before"])) if more is not None else None
    return TelegramPage(records, title, before)
