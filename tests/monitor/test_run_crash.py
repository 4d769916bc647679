"""`kill -9` in the middle of a batch, then a restart: the same posts as an uninterrupted run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from monitor.config import SourceSpec
from monitor_harness import CountingServer, Node, add_sources, prepared
from storage.db import Database
from storage.models import Post, PostVersion, Review, Score

pytestmark = pytest.mark.slow
POSTS = 6000


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


def _run(tmp: Path, base: Path, db_url: str, server: CountingServer, *, crash: bool) -> dict[str, Any]:
    env = prepared(tmp, base, db_url)
    add_sources(env, tmp, [SourceSpec(name="reports", type="jsonl", url=server.jsonl("reports", POSTS),
                                      interval=60.0)])
    node = Node(env, tmp, "--no-web")
    try:
        node.ready()
        if crash:
            stored = _wait_for(db_url, lambda n: n > 0, 60)
            node.kill()  # SIGKILL: no chance to clean up
            assert stored < POSTS, "the run finished before the kill; make the batch bigger"
            node = Node(env, tmp, "--no-web")  # its lease expires (2 s) and the run is redone
            node.ready()
        _wait_for(db_url, lambda n: n == POSTS, 90)
        time.sleep(0.5)  # the run's last transaction (cursor, health) after the last batch
        code, _took = node.terminate()
        assert code == 0, node.stderr()
    finally:
        node.stop_quietly()
    return _state(db_url)


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
