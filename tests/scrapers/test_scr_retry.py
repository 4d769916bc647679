"""Retry policy pieces: Retry-After parsing and capped backoff."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapers.retry import backoff, parse_retry_after


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2024, 2, 14, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Wed, 14 Feb 2024 08:01:30 GMT", now) == 90
    assert parse_retry_after("Wed, 14 Feb 2024 07:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


def test_backoff_is_capped_and_jittered() -> None:
    waits = [backoff(attempt, 0.5, 4.0) for attempt in range(10) for _ in range(20)]
    assert all(0 <= w <= 4.0 for w in waits) and len(set(waits)) > 100
