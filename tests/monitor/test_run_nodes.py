"""Two `pantau run` nodes sharing PostgreSQL: each due source fetched once per interval in total;
when one node is killed, the other takes all sources over within two intervals."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from monitor.config import SourceSpec
from monitor_harness import CountingServer, Node, add_sources, environment, prepared

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
INTERVAL = 2.0
SOURCES = 10


def _between(times: list[float], start: float, end: float) -> list[float]:
    return [t for t in times if start <= t < end]


def test_two_nodes_share_ten_sources_and_survive_a_kill(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> None:
    server = CountingServer()
    env_a = prepared(tmp_path / "a", tmp_path_factory.getbasetemp(), postgres_url)
    env_b = environment(tmp_path / "a" / "home", postgres_url)  # same model, its own web port
    urls = [server.feed(f"src{i}", items=3) for i in range(SOURCES)]
    add_sources(env_a, tmp_path, [SourceSpec(name=f"src{i}", type="rss", url=url, interval=INTERVAL)
                                  for i, url in enumerate(urls)])
    a, b = Node(env_a, tmp_path), Node(env_b, tmp_path)
    try:
        both = max(a.ready(), b.ready())
        time.sleep(8.0)
        a.kill()
        killed = time.monotonic()
        time.sleep(7.0)
        code, took = b.terminate()
        end = time.monotonic()
    finally:
        a.stop_quietly()
        b.stop_quietly()
        server.close()
    assert code == 0 and took < 10, b.stderr()
    for url in urls:
        times = server.times(url)
        gaps = [y - x for x, y in zip(times, times[1:])]
        # Never twice in one interval, whichever node fetched (a slot is only ever claimed once).
        assert min(gaps) > INTERVAL * 0.8, (url, gaps)
        shared = _between(times, both, killed)
        assert 3 <= len(shared) <= 5, (url, shared)  # 8 s at 2 s: once per interval in total
        after = _between(times, killed, end)
        assert after and after[0] - killed <= 2 * INTERVAL, (url, after, killed)
        assert len(after) >= 3, (url, after)  # and keeps going on the survivor
    ran = "logger=monitor.scrape source=src"
    both_worked = ran in a.stderr() and ran in b.stderr()
    assert both_worked, "each node should have run some sources before the kill"
