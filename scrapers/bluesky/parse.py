"""Bluesky XRPC JSON → PostRecords (pure). Reads `feed` (FeedViewPost) or `posts` (PostView).

external_id is the post's at:// URI; a repost keeps the original post's URI and author and
names the reposter in `extra.reposted_by`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapers.bluesky.constants import PLATFORM, REPOST, WEB
from scrapers.bounded import PageBudget, load_json
from scrapers.dates import to_datetime
from scrapers.errors import N_, ParseError, item_error
from storage.records import Author, Media, PostRecord

__all__ = ["BlueskyPage", "parse_page", "post_record"]

_MAX_EMBED_DEPTH = 3


@dataclass(frozen=True)
class BlueskyPage:
    records: list[PostRecord]
    cursor: str | None
    errors: list[str]


def _media(embed: Mapping[str, Any] | None, depth: int = 0) -> list[Media]:
    """Media of an embed; a record-with-media embed nests one level (deeper is ignored)."""
    if not embed or depth > _MAX_EMBED_DEPTH:
        return []
    kind, items = str(embed.get("$type", "")), []
    for image in embed.get("images") or []:
        if image.get("fullsize") or image.get("thumb"):
            items.append(Media(url=str(image.get("fullsize") or image["thumb"]), type="image"))
    external = embed.get("external") or {}
    if external.get("uri"):
        items.append(Media(url=str(external["uri"]), type="link"))
    if kind.startswith("app.bsky.embed.video") and embed.get("playlist"):
        items.append(Media(url=str(embed["playlist"]), type="video"))
    return items + _media(embed.get("media"), depth + 1)


def _scalar(value: Any) -> str | int | float | bool | None:
    """A JSON scalar kept in `extra`; nested values are dropped (hostile depth stays out)."""
    return value if isinstance(value, str | int | float | bool) else None


def _extra(
    item: Mapping[str, Any], post: Mapping[str, Any], record: Mapping[str, Any]
) -> dict[str, Any]:
    reply = record.get("reply") or {}
    extra: dict[str, Any] = {"is_reply": bool(reply), "is_repost": False, "cid": _scalar(post.get("cid"))}
    if reply:
        extra["reply_parent"] = _scalar((reply.get("parent") or {}).get("uri"))
    reason = item.get("reason") or {}
    if reason.get("$type") == REPOST:
        extra["is_repost"] = True
        extra["reposted_by"] = _scalar((reason.get("by") or {}).get("handle"))
        extra["reposted_at"] = _scalar(reason.get("indexedAt"))
    for key in ("replyCount", "repostCount", "likeCount", "quoteCount", "indexedAt"):
        value = post.get(key)
        if value is not None and isinstance(value, str | int | float | bool):
            extra[key] = value  # scalars only: nested JSON is not carried into storage
    langs = record.get("langs")
    if isinstance(langs, list) and all(isinstance(lang, str) for lang in langs) and langs:
        extra["language"] = langs
    return extra


def post_record(item: Mapping[str, Any]) -> PostRecord:
    """A FeedViewPost ({post, reason?, reply?}) or a bare PostView → record."""
    post = item.get("post", item)
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ParseError(N_("post without an at:// uri"))
    record = post.get("record") or {}
    author = post.get("author") or {}
    actor = author.get("handle") or author.get("did") or uri.split("/")[2]
    return PostRecord(
        platform=PLATFORM,
        external_id=uri,
        text=str(record.get("text") or ""),
        url=WEB.format(actor=actor, rkey=uri.rsplit("/", 1)[1]),
        author=Author(
            handle=str(author.get("handle") or ""),
            name=str(author.get("displayName") or ""),
            bio=str(author.get("description") or ""),
            url=f"https://bsky.app/profile/{actor}",
        ),
        posted_at=to_datetime(record.get("createdAt")),
        media=tuple(_media(post.get("embed"))),
        extra=_extra(item, post, record),
    )


def parse_page(text: str) -> BlueskyPage:
    """Records, next cursor and per-item errors (each a `storage.errors.Message`) of one XRPC
    response."""
    data = load_json(text)
    budget = PageBudget()
    if not isinstance(data, Mapping):
        raise ParseError(N_("expected a JSON object, got {type}"), type=type(data).__name__)
    items = data.get("feed", data.get("posts"))
    if not isinstance(items, list):
        raise ParseError(N_("no feed/posts list in response ({error})"),
                         error=str(data.get("error") or "unknown"))
    records, errors = [], []
    for index, item in enumerate(items):
        try:
            records.append(post_record(item))
        except Exception as exc:  # noqa: BLE001 - one malformed item never costs the others
            errors.append(item_error(N_("item #{number}: {reason}"), index, exc))
        budget.check(f"item #{index}")
    cursor = data.get("cursor")
    return BlueskyPage(records, str(cursor) if cursor else None, errors)
