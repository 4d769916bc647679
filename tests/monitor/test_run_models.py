"""Two `pantau run` nodes on one PostgreSQL follow the shared registry: a promotion made from
elsewhere reaches both within a few scheduler cycles, without a restart, and each logs it;
exactly one of them re-scores the posts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from monitor_harness import Node, environment, prepared

from monitor.config import load_settings
from monitor.policy import operator_actor, user_actor
from monitor.services import models
from monitor.services.users import add_user
from storage.db import Database
from storage.model_store import activations
from storage.posts import store_posts
from storage.records import PostRecord

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_both_nodes_switch_to_a_promoted_model_without_restart(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> None:
    env_a = prepared(tmp_path / "a", tmp_path_factory.getbasetemp(), postgres_url)
    env_b = environment(tmp_path / "b" / "home", postgres_url)
    settings = load_settings(environ=env_a, cwd=tmp_path)
    db = Database(postgres_url)
    nodes = [Node(env_a, tmp_path, "--no-web"), Node(env_b, tmp_path, "--no-web")]
    try:
        for node in nodes:
            node.ready()
        first = models.active_version(db)
        assert first is not None  # the first node imported the default model
        with db.session() as session:
            store_posts(session, [PostRecord("x", f"p{i}", f"ayo coblos nomor {i}")
                                  for i in range(30)])
        row = add_user(db, operator_actor(users_exist=True), "dina", "rahasia-panjang-1", "data")
        dina = user_actor(row.username, row.role, row.id)
        candidate = models.train(db, dina, settings, [], reviews=False).version
        models.promote(db, dina, settings, candidate, force=True, reason="uji dua node")
        for node in nodes:
            _until(lambda n=node: f"model switched from={first} to={candidate}" in n.stderr(), 60)
        _until(lambda: _done(db), 60)
        codes = [node.terminate()[0] for node in nodes]
    finally:
        for node in nodes:
            node.stop_quietly()
    with db.reader() as session:
        newest = activations(session)[-1]
    db.dispose()
    assert codes == [0, 0]
    assert newest.version == candidate and newest.rescored >= 30
    assert sum("rescored posts=" in node.stderr() for node in nodes) == 1


def _done(db: Database) -> bool:
    with db.reader() as session:
        return activations(session)[-1].rescore_done_at is not None
