"""`--after ID` on `review list` and `posts list`: page by page through the CLI gives the whole
list once, in order; an unknown item id is refused with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau

from storage.db import Database
from storage.migrate import upgrade
from storage.posts import store_posts
from storage.records import PostRecord
from storage.reviews import ScoreRow, add_scores, enqueue

SCORES = [0.9, 0.7, 0.9, 0.55, 0.2, 0.8, 0.7]


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    database = Database(db_url)
    upgrade(database)
    with database.session() as session:
        stored = store_posts(session, [PostRecord(platform="x", external_id=str(i),
                                                  text=f"ajak coblos {i}")
                                       for i in range(len(SCORES))])
        rows = [ScoreRow(s.id, 1, "m1", v, 0.5, v >= 0.5, None, [])
                for s, v in zip(stored, SCORES, strict=True)]
        add_scores(session, rows)
        enqueue(session, [r for r in rows if r.flagged])
    database.dispose()
    return tmp_path


def pages(*command: str) -> list[int]:
    seen: list[int] = []
    while True:
        after = ["--after", str(seen[-1])] if seen else []
        code, out, err = pantau(*command, "--limit", "2", *after, "--json")
        assert code == 0, err
        page = [item["id"] for item in json.loads(out)]
        if not page:
            return seen
        seen += page


def test_review_list_pages_by_after(env: Path) -> None:
    code, out, _ = pantau("review", "list", "--limit", "100", "--json")
    whole = json.loads(out)
    assert [i["score"] for i in whole] == sorted((s for s in SCORES if s >= 0.5), reverse=True)
    assert pages("review", "list") == [i["id"] for i in whole]


def test_posts_list_pages_by_after(env: Path) -> None:
    assert pages("posts", "list") == list(range(len(SCORES), 0, -1))
    flagged = pages("posts", "list", "--flagged")
    assert flagged == [i + 1 for i in range(len(SCORES) - 1, -1, -1) if SCORES[i] >= 0.5]


def test_an_unknown_after_item_is_refused(env: Path) -> None:
    code, _, err = pantau("review", "list", "--after", "999")
    assert code != 0 and "999" in err
