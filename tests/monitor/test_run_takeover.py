"""Two `pantau run` nodes on one PostgreSQL: `kill -9` of the node running a source mid-run,
and the survivor takes the source over once the dead node's lease expires (no heartbeat any
more), well within 90 s; health names the dead node. The takeover time is printed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from monitor_harness import CountingServer, Node, add_sources, environment, prepared
from sqlalchemy import create_engine, text

from monitor.config import SourceSpec

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
LEASE = {"PANTAU_SCHEDULER__LEASE_TTL": "20s", "PANTAU_SCHEDULER__LEASE_HEARTBEAT": "5s"}


def _lease(url: str) -> tuple[str | None, str | None, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            owner, error = conn.execute(text("SELECT lease_owner, last_error FROM sources")).one()
            posts = conn.scalar(text("SELECT count(*) FROM posts")) or 0
            return owner, error, int(posts)
    finally:
        engine.dispose()


def _until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_killed_nodes_source_is_taken_over_by_the_other(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> None:
    server = CountingServer()
    env_a = prepared(tmp_path / "a", tmp_path_factory.getbasetemp(), postgres_url, **LEASE)
    env_b = environment(tmp_path / "a" / "home", postgres_url, **LEASE)
    url = server.jsonl("reports", 2500)
    add_sources(env_a, tmp_path, [SourceSpec(name="reports", type="jsonl", url=url, interval=600.0)])
    nodes = [Node(env_a, tmp_path, "--no-web"), Node(env_b, tmp_path, "--no-web")]
    try:
        for node in nodes:
            node.ready()
        _until(lambda: _lease(postgres_url)[0] and _lease(postgres_url)[2] > 0, 60)
        owner = str(_lease(postgres_url)[0])
        victim = next(n for n in nodes if f":{n.proc.pid}:" in owner)
        survivor = next(n for n in nodes if n is not victim)
        victim.kill()
        killed = time.monotonic()
        _until(lambda: any(t > killed for t in server.times(url)), 90)
        took = next(t for t in server.times(url) if t > killed) - killed
        print(f"takeover after kill -9 by the other node: {took:.1f} s (lease_ttl 20 s, heartbeat 5 s)")
        code, stop_took = survivor.terminate()  # mid-run: the lease is given back on the way out
    finally:
        for node in nodes:
            node.stop_quietly()
        server.close()
    assert code == 0 and stop_took < 10, survivor.stderr()
    assert took < 90
    assert took >= 10  # it waited for most of the lease (last beat ≤ 5 s before the kill): no early steal
    left, error, _posts = _lease(postgres_url)
    assert left is None
    assert f"node {owner} stopped mid-run" in str(error)
    assert "lease_taken_over" in survivor.stderr()
