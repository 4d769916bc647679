"""When a source runs next: its interval, exponential backoff after failures, a server's
Retry-After, and jitter — pure functions of the times given, so they are tested exactly."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

__all__ = ["BACKOFF_CAP", "backoff_delay", "jitter", "jitter_bound", "next_slot", "retry_after_of"]

BACKOFF_CAP = 3600.0  # default `scheduler.max_backoff`: a failing source is still tried hourly
JITTER_FRACTION = 0.05  # of the delay, added to each next slot so nodes and sources spread out
JITTER_CAP = 30.0
RETRY_AFTER_LIMIT = 86400.0  # a sanity bound; the HTTP client caps Retry-After itself (a setting)


def backoff_delay(interval: float, failures: int, cap: float = BACKOFF_CAP) -> float:
    """interval × 2^failures, capped (but never below the interval itself)."""
    if failures <= 0:
        return interval
    return min(interval * 2.0 ** min(failures, 30), max(interval, cap))


def jitter_bound(delay: float) -> float:
    return min(JITTER_CAP, delay * JITTER_FRACTION)


def jitter(delay: float, rng: random.Random) -> float:
    """Uniform in [0, jitter_bound(delay)]: only ever later, so the interval stays a minimum."""
    return rng.uniform(0.0, jitter_bound(delay))


def retry_after_of(thing: Any) -> float | None:
    """The retry-after (seconds) a run's report or exception carries, if any, made sane.

    Accepts any object with a numeric `retry_after` attribute (the HTTP client's rate-limit
    error, or a run report that passed it on); also looks at an exception's cause.
    """
    for candidate in (thing, getattr(thing, "__cause__", None)):
        value = getattr(candidate, "retry_after", None)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if math.isnan(value) or value <= 0:
            continue
        return min(float(value), RETRY_AFTER_LIMIT)
    return None


def next_slot(due_at: datetime, interval: float, failures: int, now: datetime, *,
              extra: float = 0.0, started_at: datetime | None = None,
              retry_after: float | None = None, cap: float = BACKOFF_CAP) -> datetime:
    """The next due time: on cadence from the slot just run, or backed off from now.

    A run that started late counts its interval from its start, so two fetches of one source
    are never closer than the interval (politeness), however late a node picked the slot up.
    A retry-after pushes this one source's next run at least that far from now. `extra` is the
    jitter, added last.
    """
    if failures > 0:
        slot = now + timedelta(seconds=backoff_delay(interval, failures, cap) + extra)
    else:
        start = max(due_at, started_at) if started_at is not None else due_at
        slot = max(start + timedelta(seconds=interval + extra), now)  # behind: once now, no burst
    if retry_after is not None:
        slot = max(slot, now + timedelta(seconds=retry_after + extra))
    return slot
