"""Retry policy of the client: what is retried, how long to wait, and what a Retry-After says."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRY_STATUSES", "backoff", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_DELTA_SECONDS = re.compile(r"[0-9]{1,20}")  # ASCII digits only: "³".isdigit() is True too


def backoff(attempt: int, base: float, cap: float) -> float:
    """Capped exponential backoff with full jitter, for retry number `attempt` (0-based)."""
    return random.uniform(0, min(cap, base * (2 ** min(attempt, 32))))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if unusable.

    The value is the server's wish, uncapped (the client caps it); never negative or infinite.
    """
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None
