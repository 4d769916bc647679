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

from storage.errors import N_
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
        raise InvalidRecord(N_("{name} is not valid UTF-8 (an unpaired surrogate)"), name=name)


def _text(name: str, value: Any, *, key: bool = False) -> None:
    """A string field: type, length, Unicode; `key` fields (indexed columns) take no controls."""
    if not isinstance(value, str):
        raise InvalidRecord(N_("{name} must be a string, got {type}"), name=name,
                            type=type(value).__name__)
    if len(value) > LIMITS[name]:
        raise InvalidRecord(N_("{name} is longer than {count} characters"), name=name,
                            count=LIMITS[name])
    _unicode(name, value)
    if key and _CONTROL_RE.search(value):
        if "\x00" in value:
            raise InvalidRecord(N_("{name} contains a NUL character"), name=name)
        raise InvalidRecord(N_("{name} contains a control character"), name=name)


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
            raise InvalidRecord(N_("{name} holds more than {count} values"), name=name,
                                count=MAX_JSON_NODES)
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            _unicode(path, item)
        elif isinstance(item, int):
            if item.bit_length() > MAX_INT_BITS:
                raise InvalidRecord(N_("{name} is an integer too large to store"), name=path)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidRecord(N_("{name} is not a finite number ({value!r})"), name=path,
                                    value=item)
        elif isinstance(item, (list, tuple, Mapping)):
            if depth >= MAX_JSON_DEPTH:
                raise InvalidRecord(N_("{name} is nested deeper than {count} levels"), name=name,
                                    count=MAX_JSON_DEPTH)
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, str):
                        raise InvalidRecord(N_("{name} has a key that is not a string: {key!r}"),
                                            name=path, key=key)
                    _unicode(f"{path} key", key)
                    stack.append((f"{path}.{key[:40]}", child, depth + 1))
            else:
                stack.extend((f"{path}[{i}]", child, depth + 1) for i, child in enumerate(item))
        else:
            raise InvalidRecord(N_("{name} is a {type}, not a JSON value"), name=path,
                                type=type(item).__name__)


def _media(record: PostRecord) -> None:
    if len(record.media) > LIMITS["media"]:
        raise InvalidRecord(N_("media holds more than {count} items"), count=LIMITS["media"])
    for index, item in enumerate(record.media):
        url = getattr(item, "url", None)
        if not isinstance(url, str) or not url:
            raise InvalidRecord(N_("{name} must be a non-empty string"), name=f"media[{index}].url")
        _text("media.url", url)
        if getattr(item, "type", None) not in MEDIA_TYPES:
            raise InvalidRecord(N_("{name} must be one of {choices}"), name=f"media[{index}].type",
                                choices=", ".join(MEDIA_TYPES))


def _identity(record: PostRecord) -> None:
    if not isinstance(record.platform, str) or not _PLATFORM_RE.fullmatch(record.platform):
        # the value cut so that the English message stays within 200 characters
        raise InvalidRecord(N_("platform must be a lowercase word, got {value}"),
                            value=repr(record.platform)[:161])
    _text("external_id", record.external_id, key=True)
    if not record.external_id.strip():
        raise InvalidRecord(N_("{name} must be a non-empty string"), name="external_id")


def _fields(record: PostRecord) -> None:
    _text("text", record.text)
    if not record.text and not record.media:
        raise InvalidRecord(N_("text may be empty only when media is present"))
    _optional("url", record.url)
    author = record.author
    _text("author.handle", author.handle, key=True)
    for part in ("name", "bio", "url"):
        _text(f"author.{part}", getattr(author, part))
    for key in ("region", "category", "hard_case"):
        _optional(key, getattr(record, key), key=True)
    if record.label is not None and (isinstance(record.label, bool) or record.label not in (0, 1)):
        raise InvalidRecord(N_("label must be 0 or 1, got {value!r}"), value=record.label)
    if record.posted_at is not None and (
            not isinstance(record.posted_at, datetime) or record.posted_at.tzinfo is None):
        raise InvalidRecord(N_("posted_at must be an aware datetime"))


def check_record(record: PostRecord) -> PostRecord:
    """Raise InvalidRecord naming the first thing the database could not hold exactly."""
    if not isinstance(record, PostRecord):
        raise InvalidRecord(N_("not a post record: {type}"), type=type(record).__name__)
    _identity(record)
    _fields(record)
    _media(record)
    if not isinstance(record.extra, Mapping):
        raise InvalidRecord(N_("{name} must be an object"), name="extra")
    check_json_value("extra", record.extra)
    return record
