"""The one real-process smoke test of `pantau run`: start, fetch, serve /healthz and /metrics,
stop on SIGTERM within the deadline. Cadence, backoff and leases are tested in virtual time
(tests/monitor/jobs); this proves the real process wires them together."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from monitor_harness import CountingServer, Node, add_sources, prepared
from sqlalchemy import create_engine, text

from monitor.config import SourceSpec

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _wait(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_pantau_run_fetches_serves_and_stops_cleanly(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, db_url: str) -> None:
    server = CountingServer()
    env = prepared(tmp_path, tmp_path_factory.getbasetemp(), db_url)
    urls = [server.feed(f"news{i}", items=5) for i in range(3)]
    add_sources(env, tmp_path, [SourceSpec(name=f"news{i}", type="rss", url=url, interval=2.0)
                                for i, url in enumerate(urls)])
    node = Node(env, tmp_path)
    try:
        node.ready()
        _wait(lambda: all(len(server.times(url)) >= 2 for url in urls), 40)
        status, health = _get(f"http://127.0.0.1:{node.port}/healthz")
        assert status == 200 and json.loads(health)["status"] == "ok"
        status, metrics = _get(f"http://127.0.0.1:{node.port}/metrics")
        assert status == 200 and 'pantau_fetches_total{source="news0"}' in metrics
        assert "pantau_review_queue_size" in metrics and "pantau_source_lag_seconds" in metrics
        code, took = node.terminate()
    finally:
        node.stop_quietly()
        server.close()
    assert code == 0, node.stderr()
    assert took < 10.0
    for url in urls:
        times = server.times(url)
        # Never more runs than slots (a double run would add fetches). The exact cadence (claim
        # to claim ≥ interval) is tested in virtual time: here request latency varies with load.
        assert 2 <= len(times) <= (times[-1] - times[0]) / 2.0 + 2, times
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM posts")) == 15
        assert conn.scalar(text("SELECT count(*) FROM post_versions")) == 0
        assert conn.scalar(text("SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL")) == 0
    engine.dispose()
    assert "level=info logger=monitor.scrape source=news0" in node.stderr()
    assert "scheduler stopped" in node.stderr() and "leases_released=" in node.stderr()
