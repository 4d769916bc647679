"""The post interchange record (interfaces.md §1): the one type that crosses package lines.

Scrapers produce `PostRecord`s, storage keeps them, the classifier scores them and exports
write them back out. `record_from_dict` parses an interchange object and then applies the
storage boundary's checks (storage/validation.py), so every entry point (import, scrape,
classify) rejects the same things with the same reasons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storage.errors import N_, Message

__all__ = [
    "CATEGORIES",
    "HARD_CASES",
    "MEDIA_TYPES",
    "PLATFORMS",
    "Author",
    "InvalidRecord",
    "Media",
    "PostRecord",
    "parse_datetime",
    "record_from_dict",
    "record_to_dict",
]

PLATFORMS = (
    "facebook", "instagram", "tiktok", "x", "telegram", "youtube",
    "mastodon", "bluesky", "rss", "web",
)
CATEGORIES = (
    "mobilisation", "partisan_decision", "party_approach", "partisan_activity", "banner",
    "social_media_campaign",
)
HARD_CASES = (
    "public_campaign", "neutrality_reminder", "news_report", "civic_info",
    "government_program", "asn_neutral", "non_political",
)
MEDIA_TYPES = ("image", "video", "audio", "link")

_PLATFORM_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_KNOWN_FIELDS = frozenset({
    "platform", "external_id", "url", "author", "text", "posted_at", "media", "region",
    "label", "category", "hard_case",
})
_AUTHOR_FIELDS = ("handle", "name", "bio", "url")


class InvalidRecord(ValueError):
    """A record that does not follow the interchange format; the message says why.

    Raised with an English template and its values, as storage.errors' errors are: `text` is
    the message as a `Message` (an English str that the CLI translates where it reports the
    line), `str(error)` the English text."""

    def __init__(self, template: str, **params: Any) -> None:
        self.text = Message(template, **params)
        super().__init__(str(self.text))


@dataclass(frozen=True, slots=True)
class Author:
    handle: str = ""
    name: str = ""
    bio: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    type: str


@dataclass(frozen=True, slots=True)
class PostRecord:
    platform: str
    external_id: str
    text: str
    url: str | None = None
    author: Author = Author()
    posted_at: datetime | None = None
    media: tuple[Media, ...] = ()
    region: str | None = None
    label: int | None = None
    category: str | None = None
    hard_case: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def parse_datetime(value: str) -> datetime:
    """ISO 8601 → aware UTC datetime; a time without offset is read as UTC (interfaces.md)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidRecord(N_("posted_at is not an ISO 8601 date: {value!r}"), value=value) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidRecord(N_("posted_at is out of range: {value!r}"), value=value) from None


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRecord(N_("{name} must be a string, got {type}"), name=key,
                            type=type(value).__name__)
    return value


def _author(value: Any) -> Author:
    if value is None:
        return Author()
    if not isinstance(value, dict):
        raise InvalidRecord(N_("{name} must be an object, got {type}"), name="author",
                            type=type(value).__name__)
    parts: dict[str, str] = {}
    for key in _AUTHOR_FIELDS:
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, str):
            raise InvalidRecord(N_("{name} must be a string, got {type}"), name=f"author.{key}",
                                type=type(item).__name__)
        parts[key] = item
    return Author(**parts)


def _media(value: Any) -> tuple[Media, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidRecord(N_("{name} must be a list, got {type}"), name="media",
                            type=type(value).__name__)
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidRecord(N_("{name} must be an object"), name=f"media[{index}]")
        url, kind = item.get("url"), item.get("type", "link")
        if not isinstance(url, str) or not url:
            raise InvalidRecord(N_("{name} must be a non-empty string"), name=f"media[{index}].url")
        if kind not in MEDIA_TYPES:
            raise InvalidRecord(N_("{name} must be one of {choices}"), name=f"media[{index}].type",
                                choices=", ".join(MEDIA_TYPES))
        items.append(Media(url=url, type=kind))
    return tuple(items)


def _external_id(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise InvalidRecord(N_("external_id is required (string or number)"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise InvalidRecord(N_("external_id must be a string or whole number, got {value!r}"),
                                value=value)
        return str(int(value))
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(N_("{name} must be a non-empty string"), name="external_id")
    return value


def _label(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if value in (0, 1) and not isinstance(value, float | bool):
        return int(value)
    if value in ("0", "1"):
        return int(value)
    raise InvalidRecord(N_("label must be 0 or 1, got {value!r}"), value=value)


def record_from_dict(data: Any) -> PostRecord:
    """Validate one decoded interchange object; raise InvalidRecord naming the first problem."""
    if not isinstance(data, dict):
        raise InvalidRecord(N_("a record must be a JSON object, got {type}"),
                            type=type(data).__name__)
    platform = data.get("platform")
    if not isinstance(platform, str) or not _PLATFORM_RE.match(platform):
        raise InvalidRecord(N_("platform must be a lowercase word, got {value}"), value=repr(platform))
    media = _media(data.get("media"))
    text = data.get("text")
    if text is None and media:
        text = ""
    if not isinstance(text, str):
        raise InvalidRecord(N_("text is required (a string)"))
    if not text and not media:
        raise InvalidRecord(N_("text may be empty only when media is present"))
    posted_at_raw = _optional_str(data, "posted_at")
    category = _optional_str(data, "category")
    hard_case = _optional_str(data, "hard_case")
    extra = {k: v for k, v in data.items() if k not in _KNOWN_FIELDS}
    record = PostRecord(
        platform=platform,
        external_id=_external_id(data.get("external_id")),
        text=text,
        url=_optional_str(data, "url"),
        author=_author(data.get("author")),
        posted_at=parse_datetime(posted_at_raw) if posted_at_raw else None,
        media=media,
        region=_optional_str(data, "region"),
        label=_label(data.get("label")),
        category=category,
        hard_case=hard_case,
        extra=extra,
    )
    from storage.validation import check_record  # the boundary checks (lengths, Unicode, JSON)

    return check_record(record)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def record_to_dict(record: PostRecord) -> dict[str, Any]:
    """The interchange object for a record; unknown input fields come back as they were."""
    out: dict[str, Any] = dict(record.extra)
    out.update({"platform": record.platform, "external_id": record.external_id})
    if record.url:
        out["url"] = record.url
    author = {k: getattr(record.author, k) for k in _AUTHOR_FIELDS if getattr(record.author, k)}
    if author:
        out["author"] = author
    out["text"] = record.text
    if record.posted_at:
        out["posted_at"] = _iso(record.posted_at)
    if record.media:
        out["media"] = [{"url": m.url, "type": m.type} for m in record.media]
    for key in ("region", "label", "category", "hard_case"):
        value = getattr(record, key)
        if value is not None:
            out[key] = value
    return out
