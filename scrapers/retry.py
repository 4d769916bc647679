"""Retry policy of the client: what is retried and how long to wait."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRY_STATUSES", "backoff", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def backoff(attempt: int, base: float, cap: float) -> float:
    """Capped exponential backoff with full jitter, for retry number `attempt` (0-based)."""
    return random.uniform(0, min(cap, base * (2**attempt)))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
