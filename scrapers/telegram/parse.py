"""t.me/s page HTML → PostRecords (pure).

One record per `div.tgme_widget_message[data-post]`; the text is the bubble's own
`tgme_widget_message_text` (a reply's quoted text is not the message's). Views, forwarded-from,
signature, polls and media links go to `extra` / `media`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.common import to_datetime
from scrapers.telegram.constants import BACKGROUND_URL, PLATFORM
from scrapers.text import element_text, squash
from storage.records import Author, Media, PostRecord

__all__ = ["TelegramPage", "parse_page", "message_number"]


@dataclass(frozen=True)
class TelegramPage:
    records: list[PostRecord]
    channel_title: str
    before: int | None  # the page's own "older messages" cursor, when it shows one


def message_number(external_id: str) -> int:
    """`channel/123` → 123."""
    return int(external_id.rsplit("/", 1)[1])


def _cls(node: Tag, name: str, tag: str | None = None) -> Tag | None:
    """First descendant carrying class `name` (bs4's find: much cheaper than CSS select)."""
    found = node.find(tag, class_=name)
    return found if isinstance(found, Tag) else None


def _text(node: Tag | None) -> str:
    return squash(node.get_text(" ")) if node is not None else ""


def _views(raw: str) -> int | None:
    raw = raw.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(raw[-1:], 1)
    try:
        return int(float(raw.rstrip("KM")) * scale)
    except ValueError:
        return None


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
    if views is not None and _views(views.get_text()) is not None:
        extra["views"] = _views(views.get_text())
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


def parse_page(markup: str) -> TelegramPage:
    """Every message of a t.me/s page (or fragment), in page order (oldest first)."""
    soup = BeautifulSoup(markup, "lxml")
    records = [
        _record(m)
        for m in soup.find_all("div", class_="tgme_widget_message")
        if m.get("data-post")
        and "/" in str(m["data-post"])
        and str(m["data-post"]).rsplit("/", 1)[1].isdigit()
    ]
    title = _text(soup.select_one(".tgme_channel_info_header_title"))
    more = soup.select_one("a.tme_messages_more[data-before]")
    before = str(more["data-before"]) if more is not None else ""
    return TelegramPage(records, title, int(before) if before.isdigit() else None)
