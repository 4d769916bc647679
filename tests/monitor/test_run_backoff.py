"""A source that answers 500 forever backs off (and shows it); the others are unaffected."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from monitor.config import SourceSpec
from monitor.scheduler import backoff_delay, next_slot
from monitor_harness import PANTAU, CountingServer, Node, add_sources, prepared

pytestmark = pytest.mark.slow


def test_backoff_math() -> None:
    assert [backoff_delay(60, n) for n in range(4)] == [60, 120, 240, 480]
    assert backoff_delay(60, 50) == 3600  # capped
    assert backoff_delay(7200, 3) == 7200  # never below the interval
    t0 = datetime(2026, 1, 1).astimezone()
    assert (next_slot(t0, 10, 0, t0) - t0).total_seconds() == 10  # on cadence
    late = t0.replace(minute=5)
    assert next_slot(t0, 10, 0, late) == late  # fell behind: once, now
    picked_up_late = t0 + timedelta(seconds=4)
    assert next_slot(t0, 10, 0, picked_up_late, started_at=picked_up_late) == t0 + timedelta(seconds=14)
    assert (next_slot(t0, 10, 2, late) - late).total_seconds() == 40  # backoff from now


def test_failing_source_backs_off(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    db_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    server = CountingServer()
    env = prepared(tmp_path, tmp_path_factory.getbasetemp(), db_url)
    bad, good = server.failing("broken"), server.feed("healthy")
    add_sources(env, tmp_path, [SourceSpec(name="broken", type="rss", url=bad, interval=1.0),
                                SourceSpec(name="healthy", type="rss", url=good, interval=1.0)])
    node = Node(env, tmp_path)
    try:
        node.ready()
        time.sleep(12)
        code, _took = node.terminate()
    finally:
        node.stop_quietly()
        server.close()
    assert code == 0, node.stderr()
    bad_times, good_times = server.times(bad), server.times(good)
    gaps = [b - a for a, b in zip(bad_times, bad_times[1:])]
    assert 3 <= len(bad_times) <= 4, bad_times
    assert all(later > earlier * 1.6 for earlier, later in zip(gaps, gaps[1:])), gaps
    assert len(good_times) >= 10, len(good_times)  # ~1 s cadence, untouched by the broken one
    listing = subprocess.run([PANTAU, "sources", "list", "--json"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True)
    health = {s["name"]: s for s in json.loads(listing.stdout)}
    assert health["broken"]["consecutive_failures"] == len(bad_times)
    assert "500" in health["broken"]["last_error"]
    assert health["broken"]["next_run"] > health["healthy"]["next_run"]
    assert health["healthy"]["consecutive_failures"] == 0 and not health["healthy"]["last_error"]
    assert "consecutive_failures=" in node.stderr() and "backoff_until=" in node.stderr()
