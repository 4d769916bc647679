"""Mastodon API JSON → PostRecords (pure). Accepts a Status array or a single Status.

A boost (reblog) keeps the outer status id as external_id and takes text, author and media
from the boosted status; `extra.boosted_by` names the booster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapers.bounded import PageBudget, load_json
from scrapers.dates import to_datetime
from scrapers.errors import N_, ParseError, item_error
from scrapers.mastodon.constants import LINK, MEDIA_TYPES, PLATFORM
from scrapers.text import html_to_text
from storage.records import Author, Media, PostRecord

__all__ = ["parse_links", "parse_statuses", "status_record"]


def parse_links(header: str | None) -> dict[str, str]:
    """`Link: <url>; rel="next", <url>; rel="prev"` → {"next": url, "prev": url}."""
    return {rel: url for url, rel in LINK.findall(header or "")}


def _author(account: Mapping[str, Any]) -> Author:
    return Author(
        handle=str(account.get("acct") or account.get("username") or ""),
        name=str(account.get("display_name") or ""),
        bio=html_to_text(str(account.get("note") or "")),
        url=str(account.get("url") or ""),
    )


def _media(status: Mapping[str, Any]) -> tuple[Media, ...]:
    items = []
    for item in status.get("media_attachments") or []:
        url = item.get("url") or item.get("remote_url")
        if url:
            items.append(Media(url=str(url), type=MEDIA_TYPES.get(str(item.get("type")), "link")))
    card = status.get("card") or {}
    if card.get("url"):
        items.append(Media(url=str(card["url"]), type="link"))
    return tuple(items)


def _extra(outer: Mapping[str, Any], status: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "is_reply": status.get("in_reply_to_id") is not None,
        "is_boost": outer is not status,
    }
    if outer is not status:
        extra["boosted_by"] = str((outer.get("account") or {}).get("acct", ""))
        extra["boost_of"] = str(status.get("id", ""))
    for key in (
        "in_reply_to_id",
        "language",
        "visibility",
        "replies_count",
        "reblogs_count",
        "favourites_count",
        "edited_at",
        "spoiler_text",
        "sensitive",
    ):
        value = status.get(key)
        if value not in (None, "") and isinstance(value, str | int | float | bool):
            extra[key] = value  # scalars only: nested JSON is not carried into storage
    tags = [str(t["name"]) for t in status.get("tags") or [] if isinstance(t, Mapping) and t.get("name")]
    if tags:
        extra["tags"] = tags
    return extra


def status_record(outer: Mapping[str, Any]) -> PostRecord:
    """One Status object → record; raises ParseError when it has no id."""
    if not isinstance(outer, Mapping) or outer.get("id") in (None, ""):
        raise ParseError(N_("status without an id"))
    status = outer.get("reblog") or outer
    return PostRecord(
        platform=PLATFORM,
        external_id=str(outer["id"]),
        text=html_to_text(str(status.get("content") or "")),
        url=str(status.get("url") or status.get("uri") or "") or None,
        author=_author(status.get("account") or {}),
        posted_at=to_datetime(status.get("created_at")),
        media=_media(status),
        extra=_extra(outer, status),
    )


def parse_statuses(text: str) -> tuple[list[PostRecord], list[str]]:
    """(records, per-item errors, each a `storage.errors.Message`). Raises ParseError for JSON
    that is not a Status list/object."""
    data = load_json(text)
    budget = PageBudget()
    if isinstance(data, Mapping) and "id" in data:
        data = [data]
    if not isinstance(data, list):
        raise ParseError(N_("expected a list of statuses, got {type}"), type=type(data).__name__)
    records, errors = [], []
    for index, item in enumerate(data):
        try:
            records.append(status_record(item))
        except Exception as exc:  # noqa: BLE001 - one malformed status never costs the others
            errors.append(item_error(N_("status #{number}: {reason}"), index, exc))
        budget.check(f"status #{index}")
    return records, errors
