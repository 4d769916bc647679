"""The storage boundary: every record, from any adapter or file, is checked here before a write.

A record the database could not hold exactly (an over-long key that PostgreSQL would refuse
and SQLite would keep, a NUL where PostgreSQL text cannot take one, a lone surrogate that no
UTF-8 writer can encode, a float JSON cannot spell, an integer Python cannot print, JSON nested
deeper than a reader's stack) is refused with `InvalidRecord` naming the field, never truncated
or mangled by the database. The limits are the column sizes of storage/models.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.records import MEDIA_TYPES, InvalidRecord, PostRecord

__all__ = ["LIMITS", "MAX_JSON_DEPTH", "check_json_value", "check_record"]

LIMITS = {
    "platform": 32, "external_id": 500, "author.handle": 300, "region": 200, "category": 40,
    "hard_case": 40, "text": 2_000_000, "url": 10_000, "author.name": 10_000,
    "author.bio": 100_000, "author.url": 10_000, "media": 1_000, "media.url": 10_000,
}
"""Longest accepted value (characters; `media`: items). Keys: the columns' String(n) sizes."""
MAX_JSON_DEPTH = 64  # `extra` and `media`: deeper nesting is refused (readers recurse)
MAX_JSON_NODES = 100_000
MAX_INT_BITS = 14_000  # ~4,214 digits: below Python's 4,300-digit str() limit, so it prints back

_PLATFORM_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _unicode(name: str, value: str) -> None:
    if not value.isascii() and _SURROGATE_RE.search(value):
        raise InvalidRecord(f"{name} is not valid UTF-8 (an unpaired surrogate)")


def _text(name: str, value: Any, *, key: bool = False) -> None:
    """A string field: type, length, Unicode; `key` fields (indexed columns) take no controls."""
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} must be a string, got {type(value).__name__}")
    if len(value) > LIMITS[name]:
        raise InvalidRecord(f"{name} is longer than {LIMITS[name]:,} characters".replace(",", ""))
    _unicode(name, value)
    if key and _CONTROL_RE.search(value):
        kind = "a NUL character" if "\x00" in value else "a control character"
        raise InvalidRecord(f"{name} contains {kind}")


def _optional(name: str, value: Any, *, key: bool = False) -> None:
    if value is not None:
        _text(name, value, key=key)


def check_json_value(name: str, value: Any) -> None:
    """A JSON tree both backends store and every reader reads back: str keys, finite floats,
    printable integers, valid Unicode, bounded depth and size. Iterative (no recursion)."""
    stack: list[tuple[str, Any, int]] = [(name, value, 0)]
    nodes = 0
    while stack:
        path, item, depth = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise InvalidRecord(f"{name} holds more than {MAX_JSON_NODES} values")
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            _unicode(path, item)
        elif isinstance(item, int):
            if item.bit_length() > MAX_INT_BITS:
                raise InvalidRecord(f"{path} is an integer too large to store")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidRecord(f"{path} is not a finite number ({item!r})")
        elif isinstance(item, (list, tuple, Mapping)):
            if depth >= MAX_JSON_DEPTH:
                raise InvalidRecord(f"{name} is nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, str):
                        raise InvalidRecord(f"{path} has a key that is not a string: {key!r}")
                    _unicode(f"{path} key", key)
                    stack.append((f"{path}.{key[:40]}", child, depth + 1))
            else:
                stack.extend((f"{path}[{i}]", child, depth + 1) for i, child in enumerate(item))
        else:
            raise InvalidRecord(f"{path} is a {type(item).__name__}, not a JSON value")


def _media(record: PostRecord) -> None:
    if len(record.media) > LIMITS["media"]:
        raise InvalidRecord(f"media holds more than {LIMITS['media']} items")
    for index, item in enumerate(record.media):
        url = getattr(item, "url", None)
        if not isinstance(url, str) or not url:
            raise InvalidRecord(f"media[{index}].url must be a non-empty string")
        _text("media.url", url)
        if getattr(item, "type", None) not in MEDIA_TYPES:
            raise InvalidRecord(f"media[{index}].type must be one of {', '.join(MEDIA_TYPES)}")


def _identity(record: PostRecord) -> None:
    if not isinstance(record.platform, str) or not _PLATFORM_RE.fullmatch(record.platform):
        raise InvalidRecord(f"platform must be a lowercase word, got {record.platform!r}"[:200])
    _text("external_id", record.external_id, key=True)
    if not record.external_id.strip():
        raise InvalidRecord("external_id must be a non-empty string")


def _fields(record: PostRecord) -> None:
    _text("text", record.text)
    if not record.text and not record.media:
        raise InvalidRecord("text may be empty only when media is present")
    _optional("url", record.url)
    author = record.author
    _text("author.handle", author.handle, key=True)
    for part in ("name", "bio", "url"):
        _text(f"author.{part}", getattr(author, part))
    for key in ("region", "category", "hard_case"):
        _optional(key, getattr(record, key), key=True)
    if record.label is not None and (isinstance(record.label, bool) or record.label not in (0, 1)):
        raise InvalidRecord(f"label must be 0 or 1, got {record.label!r}")
    if record.posted_at is not None and (
            not isinstance(record.posted_at, datetime) or record.posted_at.tzinfo is None):
        raise InvalidRecord("posted_at must be an aware datetime")


def check_record(record: PostRecord) -> PostRecord:
    """Raise InvalidRecord naming the first thing the database could not hold exactly."""
    if not isinstance(record, PostRecord):
        raise InvalidRecord(f"not a post record: {type(record).__name__}")
    _identity(record)
    _fields(record)
    _media(record)
    if not isinstance(record.extra, Mapping):
        raise InvalidRecord("extra must be an object")
    check_json_value("extra", record.extra)
    return record
