"""One `pantau run` process: three sources on 2-second intervals, for 9 seconds."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.config import SourceSpec
from monitor_harness import CountingServer, Node, add_sources, prepared
from storage.db import Database
from storage.models import Post, PostVersion

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local test server)
        return response.status, response.read().decode()


def test_three_sources_every_two_seconds(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                         db_url: str) -> None:
    server = CountingServer()
    env = prepared(tmp_path, tmp_path_factory.getbasetemp(), db_url)
    urls = [server.feed(f"news{i}", items=5) for i in range(3)]
    add_sources(env, tmp_path, [SourceSpec(name=f"news{i}", type="rss", url=url, interval=2.0)
                                for i, url in enumerate(urls)])
    node = Node(env, tmp_path)
    try:
        started = node.ready()
        time.sleep(4.5)
        status, health = _get(f"http://127.0.0.1:{node.port}/healthz")
        assert status == 200 and json.loads(health)["status"] == "ok"
        status, metrics = _get(f"http://127.0.0.1:{node.port}/metrics")
        assert status == 200 and 'pantau_fetches_total{source="news0"}' in metrics
        assert "pantau_review_queue_size" in metrics and "pantau_source_lag_seconds" in metrics
        time.sleep(max(0.0, started + 9.0 - time.monotonic()))
        code, took = node.terminate()
    finally:
        node.stop_quietly()
        server.close()
    assert code == 0, node.stderr()
    assert took < 10.0
    counts = [len(server.times(url)) for url in urls]
    assert all(4 <= c <= 5 for c in counts), (counts, node.stderr())
    for url in urls:
        times = server.times(url)
        assert min(b - a for a, b in zip(times, times[1:])) > 1.8, times  # never overlapping runs
    db = Database(db_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 15
        assert session.scalar(select(func.count()).select_from(PostVersion)) == 0
    db.dispose()
    assert "level=info logger=monitor.scrape source=news0" in node.stderr()


def test_sources_added_and_removed_while_running(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from monitor.sources import remove_source

    db_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    server = CountingServer()
    env = prepared(tmp_path, tmp_path_factory.getbasetemp(), db_url)
    old, new = server.feed("old"), server.feed("new")
    add_sources(env, tmp_path, [SourceSpec(name="old", type="rss", url=old, interval=1.0)])
    node = Node(env, tmp_path, "--no-web")
    try:
        node.ready()
        time.sleep(2.5)
        add_sources(env, tmp_path, [SourceSpec(name="new", type="rss", url=new, interval=1.0)])
        db = Database(db_url)
        remove_source(db, "old")
        db.dispose()
        removed = time.monotonic()
        time.sleep(4.0)
        code, _took = node.terminate()
    finally:
        node.stop_quietly()
        server.close()
    assert code == 0, node.stderr()
    assert server.times(old) and all(t < removed + 1.5 for t in server.times(old))
    assert len(server.times(new)) >= 2, node.stderr()
