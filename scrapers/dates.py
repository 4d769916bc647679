"""Dates read from platform responses: never raising on what a server sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.records import InvalidRecord, parse_datetime

__all__ = ["to_datetime"]


def to_datetime(value: Any) -> datetime | None:
    """An ISO 8601 string → aware UTC datetime, or None when absent/unreadable/out of range."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        return parse_datetime(value)
    except (InvalidRecord, ValueError, OverflowError):
        return None
