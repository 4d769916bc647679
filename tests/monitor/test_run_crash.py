"""`kill -9` in the middle of a batch, then a restart: the same posts as an uninterrupted run,
and the restarted node resumes the dead node's source at once (it frees its dead predecessor's
lease at start) instead of waiting out `scheduler.lease_ttl`. The resume time is printed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from monitor_harness import CountingServer, Node, add_sources, prepared
from sqlalchemy import create_engine, func, select, text

from monitor.config import SourceSpec
from storage.db import Database
from storage.models import Post, PostVersion, Review, Score

pytestmark = pytest.mark.slow
POSTS = 1500  # three batches: the kill lands after the first


def _state(db_url: str) -> dict[str, Any]:
    db = Database(db_url)
    try:
        with db.session() as session:
            def count(model: Any) -> int:
                return session.scalar(select(func.count()).select_from(model)) or 0
            return {
                "posts": sorted(session.execute(select(Post.external_id, Post.text, Post.version))),
                "versions": count(PostVersion), "scores": count(Score), "reviews": count(Review),
                "queued_posts": sorted(session.scalars(select(Review.post_id))),
            }
    finally:
        db.dispose()


def _post_count(db_url: str) -> int:
    # A plain engine: storage.Database opens every SQLite transaction with BEGIN IMMEDIATE,
    # which would queue this reader behind the writer it is watching.
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Post)) or 0
    finally:
        engine.dispose()


def _wait_for(db_url: str, predicate: Any, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = _post_count(db_url)
        if predicate(count):
            return count
        time.sleep(0.05)
    raise AssertionError(f"timed out; {_post_count(db_url)} posts")


def _health(db_url: str) -> tuple[str | None, str | None]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT last_error, lease_owner FROM sources")).one()
            return row[0], row[1]
    finally:
        engine.dispose()


def _run(tmp: Path, base: Path, db_url: str, server: CountingServer, *, crash: bool) -> dict[str, Any]:
    env = prepared(tmp, base, db_url)
    url = server.jsonl("reports", POSTS)
    add_sources(env, tmp, [SourceSpec(name="reports", type="jsonl", url=url, interval=600.0)])
    node = Node(env, tmp, "--no-web")
    resumed: dict[str, Any] = {}
    try:
        node.ready()
        if crash:
            stored = _wait_for(db_url, lambda n: n > 0, 60)
            node.kill()  # SIGKILL: no chance to clean up; its lease (1 min) is left behind
            killed = time.monotonic()
            assert stored < POSTS, "the run finished before the kill; make the batch bigger"
            assert _health(db_url)[1] is not None  # the dead node's lease is still there
            node = Node(env, tmp, "--no-web")
            ready = node.ready() - killed
            resumed = _resumed(server, url, killed) | {"ready_seconds": ready}
            assert "lease_released reason=dead_node_on_this_host" in node.stderr()
        _wait_for(db_url, lambda n: n == POSTS, 90)
        time.sleep(0.5)  # the run's last transaction (cursor, health) after the last batch
        code, _took = node.terminate()
        assert code == 0, node.stderr()
    finally:
        node.stop_quietly()
    return _state(db_url) | resumed | {"last_error": _health(db_url)[0]}


def _resumed(server: CountingServer, url: str, killed: float) -> dict[str, Any]:
    deadline = killed + 90
    while time.monotonic() < deadline:
        again = [t for t in server.times(url) if t > killed]
        if again:
            seconds = again[0] - killed
            print(f"resume after kill -9: first fetch {seconds:.1f} s after the kill "
                  "(lease_ttl 60 s)")
            return {"resume_seconds": seconds}
        time.sleep(0.05)
    raise AssertionError("the restarted node did not fetch again within 90 s")


def test_kill_9_mid_batch_then_restart_loses_and_duplicates_nothing(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, db_url: str) -> None:
    server = CountingServer()
    base = tmp_path_factory.getbasetemp()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    other_url = db_url.replace("pantau.db", "reference.db") if db_url.startswith("sqlite") else None
    try:
        crashed = _run(tmp_path / "a", base, db_url, server, crash=True)
        if other_url is None:  # PostgreSQL: the reference run gets a database of its own
            pytest.importorskip("psycopg")
            other_url = _fresh_postgres(db_url)
        reference = _run(tmp_path / "b", base, other_url, server, crash=False)
    finally:
        server.close()
        if other_url and not other_url.startswith("sqlite"):
            _drop_postgres(other_url)
    assert len(crashed["posts"]) == POSTS
    assert crashed["posts"] == reference["posts"]
    assert crashed["versions"] == reference["versions"] == 0
    assert crashed["scores"] == reference["scores"] == POSTS
    assert crashed["reviews"] == reference["reviews"] > 0
    print(f"restarted node ready {crashed['ready_seconds']:.1f} s after the kill")
    assert crashed["resume_seconds"] < 90
    assert crashed["resume_seconds"] - crashed["ready_seconds"] < 10  # freed at start, no TTL wait
    assert "stopped mid-run" in str(crashed["last_error"])


def _fresh_postgres(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_ref"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()
