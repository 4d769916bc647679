"""Caches of page figures: a time-limited one, and one refreshed in the background."""

from __future__ import annotations

import threading
import time

from monitor.caching import Background, Refreshed, TtlCache


def test_a_ttl_cache_recomputes_only_after_its_seconds() -> None:
    calls: list[int] = []
    cache = TtlCache(0.2)
    assert cache.get("k", lambda: calls.append(1) or len(calls)) == 1
    assert cache.get("k", lambda: calls.append(1) or len(calls)) == 1
    time.sleep(0.25)
    assert cache.get("k", lambda: calls.append(1) or len(calls)) == 2


def test_a_refreshed_value_is_served_stale_while_one_thread_recomputes_it() -> None:
    release, calls = threading.Event(), []

    def compute() -> int:
        calls.append(1)
        if len(calls) > 1:
            release.wait(5)
        return len(calls)

    value = Refreshed(0.05, compute)
    assert value.get() == 1
    time.sleep(0.1)
    started = time.monotonic()
    assert [value.get() for _ in range(5)] == [1] * 5  # stale, served at once
    assert time.monotonic() - started < 1
    release.set()
    for _ in range(100):
        if value.get() == 2:
            break
        time.sleep(0.02)
    assert value.get() == 2 and len(calls) == 2  # one background recomputation, not five


def test_warming_computes_the_first_value_before_anyone_asks() -> None:
    done = threading.Event()

    def compute() -> str:
        done.set()
        return "aggregates"

    value = Refreshed(60, compute)
    value.warm()
    assert done.wait(5)
    assert value.get() == "aggregates"


def test_concurrent_first_readers_share_one_computation() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 7

    value = Refreshed(60, compute)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(value.get())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [7] * 4 and len(calls) == 1


def test_a_failing_warm_up_leaves_the_error_to_the_first_reader() -> None:
    attempts: list[int] = []

    def compute() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database down")
        return 3

    value = Refreshed(60, compute)
    value.warm()
    for _ in range(100):
        if attempts:
            break
        time.sleep(0.01)
    time.sleep(0.05)
    assert value.get() == 3


def test_a_background_value_is_waited_for_only_so_long() -> None:
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "counted"

    cache = Background(60, wait=0.01)
    assert cache.get("q", slow) is None  # not ready: the reader goes on without it
    assert cache.get("q", lambda: "never run: the first is still running") is None
    release.set()
    for _ in range(200):
        if cache.get("q", slow) == "counted":
            break
        time.sleep(0.01)
    assert cache.get("q", lambda: "fresh: not recomputed") == "counted"
    assert Background(60, wait=1).get("quick", lambda: 42) == 42
