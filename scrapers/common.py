"""Small pieces every adapter uses: option parsing, record finishing, id ordering."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from scrapers.base import ScrapedPost, SourceConfig
from scrapers.errors import InvalidSource
from storage.records import InvalidRecord, PostRecord, parse_datetime

__all__ = [
    "DEFAULT_MAX_PAGES",
    "opt_bool",
    "opt_int",
    "opt_str",
    "respects_robots",
    "scraped",
    "id_key",
    "to_datetime",
]

DEFAULT_MAX_PAGES = 5


def opt_str(source: SourceConfig, key: str, default: str | None = None) -> str | None:
    value = source.options.get(key, default)
    return None if value is None else str(value)


def opt_bool(source: SourceConfig, key: str, default: bool) -> bool:
    """Options come from TOML (typed) or `--option k=v` (strings): accept both."""
    value = source.options.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InvalidSource(f"source {source.name}: option {key} must be true/false, got {value!r}")


def opt_int(source: SourceConfig, key: str, default: int, minimum: int = 1) -> int:
    value = source.options.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidSource(f"source {source.name}: option {key} must be a whole number") from None
    if number < minimum or isinstance(value, bool):
        raise InvalidSource(f"source {source.name}: option {key} must be ≥ {minimum}")
    return number


def respects_robots(source: SourceConfig) -> bool:
    return opt_bool(source, "respect_robots", True)


def scraped(record: PostRecord, source: SourceConfig, snapshot: int) -> ScrapedPost:
    """Wrap a parsed record, filling the region from the source when the post has none."""
    if record.region is None and source.region:
        record = dataclasses.replace(record, region=source.region)
    return ScrapedPost(record=record, snapshot=snapshot)


def id_key(value: str) -> tuple[int, str]:
    """Sort key for platform ids: numeric ids by value, others (Akkoma flake ids) by length+text."""
    return (
        (len(value), value) if not value.isdigit() else (len(value.lstrip("0")), value.lstrip("0"))
    )


def to_datetime(value: Any) -> datetime | None:
    """An ISO 8601 string → aware UTC datetime, or None when absent/unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_datetime(value)
    except InvalidRecord:
        return None
