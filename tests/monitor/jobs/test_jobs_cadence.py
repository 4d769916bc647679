"""Cadence arithmetic (monitor.jobs.cadence): backoff, jitter, Retry-After, late starts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import ConfigError
from monitor.jobs.cadence import (
    RETRY_AFTER_LIMIT,
    backoff_delay,
    jitter,
    jitter_bound,
    next_slot,
    retry_after_of,
)
from monitor.jobs.scheduler import SchedulerConfig

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_backoff_doubles_per_failure_up_to_the_cap() -> None:
    assert [backoff_delay(60, n) for n in range(5)] == [60, 120, 240, 480, 960]
    assert backoff_delay(60, 50) == 3600
    assert backoff_delay(60, 10, cap=600) == 600
    assert backoff_delay(7200, 3) == 7200  # never below the interval


def test_next_slot_on_cadence_late_and_backed_off() -> None:
    assert next_slot(T0, 10, 0, T0) == T0 + timedelta(seconds=10)
    late = T0 + timedelta(minutes=5)
    assert next_slot(T0, 10, 0, late) == late  # fell behind: once, now
    picked_up_late = T0 + timedelta(seconds=4)
    assert next_slot(T0, 10, 0, picked_up_late, started_at=picked_up_late) == T0 + timedelta(seconds=14)
    assert next_slot(T0, 10, 2, late) == late + timedelta(seconds=40)


def test_retry_after_pushes_the_slot_but_never_pulls_it_in() -> None:
    assert next_slot(T0, 10, 0, T0, retry_after=300) == T0 + timedelta(seconds=300)
    assert next_slot(T0, 600, 0, T0, retry_after=5) == T0 + timedelta(seconds=600)
    assert next_slot(T0, 10, 3, T0, retry_after=30) == T0 + timedelta(seconds=80)


class _RateLimited(Exception):
    def __init__(self, retry_after: object) -> None:
        super().__init__("429")
        self.retry_after = retry_after


@pytest.mark.parametrize(("value", "expected"), [
    (120, 120.0), (2.5, 2.5), (0, None), (-5, None), (float("nan"), None), (True, None),
    ("60", None), (None, None), (float("inf"), RETRY_AFTER_LIMIT), (10**12, RETRY_AFTER_LIMIT),
])
def test_retry_after_is_read_from_any_numeric_attribute(value: object, expected: float | None) -> None:
    assert retry_after_of(_RateLimited(value)) == expected


def test_retry_after_is_found_on_the_cause() -> None:
    try:
        try:
            raise _RateLimited(90)
        except _RateLimited as inner:
            raise RuntimeError("run failed") from inner
    except RuntimeError as outer:
        assert retry_after_of(outer) == 90.0
    assert retry_after_of(object()) is None


@given(st.floats(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**4))
def test_jitter_stays_within_its_bound(delay: float, seed: int) -> None:
    value = jitter(delay, random.Random(seed))
    assert 0 <= value <= jitter_bound(delay) <= 30


@given(st.floats(min_value=1, max_value=86400), st.integers(0, 100), st.floats(0, 10**5),
       st.floats(0, 10**5))
def test_a_source_is_never_due_again_within_its_interval(interval: float, failures: int,
                                                         late: float, took: float) -> None:
    """Whatever happened (late pick-up, slow run, failures), the next slot is at least one
    interval after the run started."""
    started = T0 + timedelta(seconds=late)
    slot = next_slot(T0, interval, failures, started + timedelta(seconds=took), started_at=started)
    assert slot >= started + timedelta(seconds=interval) - timedelta(microseconds=1)


@pytest.mark.parametrize(("ttl", "beat"), [(60, 31), (60, 0), (0, 0), (10, 60)])
def test_a_heartbeat_slower_than_half_the_ttl_is_refused(ttl: float, beat: float) -> None:
    with pytest.raises(ConfigError, match="scheduler.lease_heartbeat"):
        SchedulerConfig(min_interval=1, max_concurrent=1, lease_ttl=ttl, heartbeat=beat, resync=1)
