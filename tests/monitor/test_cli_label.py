"""`pantau label next|set|export` and `pantau groups backfill` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau
from sqlalchemy import select, update

from monitor.policy import operator_actor
from monitor.services.users import add_user
from storage.db import Database
from storage.models import Post, PostBand
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores

TEXT = "Mari dukung paslon nomor 2 pada Pilkada 27 November demi Kendari maju dan sejahtera"


@pytest.fixture
def env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    add_user(db, operator_actor(users_exist=False), "dina", "rahasia-panjang-1", "data")
    records = [PostRecord(platform="x", external_id=f"p{i}", text=f"{TEXT} {'!' * i}",
                          author=Author(handle=f"asn{i}")) for i in range(3)]
    records.append(PostRecord(platform="x", external_id="other", text="Jadwal apel pagi besok"))
    with db.session() as session:
        stored = store_posts(session, records)
        add_scores(session, [ScoreRow(s.id, 1, "m1", 0.45 + i / 100, 0.5, False, None, [])
                             for i, s in enumerate(stored)])
    return db


def test_next_set_and_export(env: Database, tmp_path: Path) -> None:
    code, out, _err = pantau("--as", "dina", "label", "next", "--json", "--seed", "1")
    assert code == 0, _err
    items = json.loads(out)
    assert len(items) == 2 and len({i["group"] for i in items}) == 2
    first = items[0]["post_id"]
    assert pantau("label", "set", str(first), "--label", "1")[0] == 3  # the operator may not
    code, _out, err = pantau("--as", "dina", "label", "set", str(first), "--label", "1",
                             "--category", "social_media_campaign")
    assert code == 0, err
    assert pantau("--as", "dina", "label", "set", str(first), "--label", "7")[0] == 2
    assert pantau("--as", "dina", "label", "set", "999999", "--label", "0")[0] == 1
    target = tmp_path / "labels.jsonl"
    assert pantau("--as", "dina", "label", "export", "--out", str(target))[0] == 0
    exported = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(e["label"], e["category"]) for e in exported] == [(1, "social_media_campaign")]
    left = json.loads(pantau("--as", "dina", "label", "next", "--json")[1])
    assert len(left) == 1 and left[0]["group"] != items[0]["group"]


def test_groups_backfill_groups_posts_stored_before_grouping(env: Database) -> None:
    with env.session() as session:  # as if stored before migration 0010
        session.execute(PostBand.__table__.delete())
        session.execute(update(Post).values(dup_group=None))
    code, _out, err = pantau("groups", "backfill")
    assert code == 0, err
    with env.reader() as session:
        groups = dict(session.execute(select(Post.external_id, Post.dup_group)).all())
    assert groups["p0"] == groups["p1"] == groups["p2"] is not None and groups["other"] is None
