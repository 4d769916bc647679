"""The queue and post lists read by index: keyset pages, the newest score of each post, filter
counts — correct after new scores, after an edited post is rescored, and after the migration
that adds the indexes runs over existing rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from storage.db import Database
from storage.migrate import _config, upgrade
from storage.post_listing import list_posts
from storage.posts import store_posts
from storage.records import PostRecord
from storage.reviews import (
    QueueFilter,
    ScoreRow,
    add_scores,
    count_by_status,
    count_queue,
    decide,
    enqueue,
    note_post_changes,
    review_queue,
)

SCORES = [0.9, 0.7, 0.9, 0.55, 0.7, 0.2, 0.9, 0.61, 0.3, 0.8]


def seed(db: Database, scores: list[float] = SCORES) -> list[int]:
    """Posts x/0.. with one score each (ties on purpose); flagged ones queued. Post ids."""
    records = [PostRecord(platform="x", external_id=str(i), text=f"post {i}",
                          region="Bandung" if i % 2 else "Garut") for i in range(len(scores))]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", score, 0.5, score >= 0.5, "banner", [["coblos", 0.3]])
                for s, score in zip(stored, scores, strict=True)]
        add_scores(session, rows)
        enqueue(session, [r for r in rows if r.flagged])
        return [s.id for s in stored]


def walk(db: Database, size: int, **kwargs: object) -> list[int]:
    """Every item id, page by page through `after`."""
    seen: list[int] = []
    while True:
        with db.session() as session:
            page = review_queue(session, limit=size, after=seen[-1] if seen else None,
                                **kwargs)  # type: ignore[arg-type]
        if not page:
            return seen
        seen += [item.id for item in page]


def test_keyset_pages_give_the_queue_in_order_once_with_ties(db: Database) -> None:
    seed(db)
    with db.session() as session:
        whole = review_queue(session, limit=100)
    scores = [item.score for item in whole]
    assert scores == sorted(scores, reverse=True) and len(whole) == 8
    for size in (1, 2, 3, 7):
        assert walk(db, size) == [item.id for item in whole]


def test_keyset_pages_with_a_region_filter(db: Database) -> None:
    seed(db)
    where = QueueFilter(region="Bandung")
    with db.session() as session:
        whole = review_queue(session, limit=100, where=where)
        assert count_queue(session, where=where) == len(whole) == 4
        assert count_queue(session) == 8
    assert {item.region for item in whole} == {"Bandung"}
    assert walk(db, 3, where=where) == [item.id for item in whole]


def test_a_new_score_row_is_what_the_queue_and_lists_show(db: Database) -> None:
    post_ids = seed(db)
    first = post_ids[0]
    with db.session() as session:
        add_scores(session, [ScoreRow(first, 1, "m2", 0.1, 0.5, False, "other", [["x", 0.1]])])
    with db.session() as session:
        [item] = [i for i in review_queue(session, limit=100) if i.post_id == first]
        listed = {p.id: p for p in list_posts(session, limit=100)}
        flagged = [p.id for p in list_posts(session, flagged=True, limit=100)]
    assert (item.model_version, item.predicted_category, item.explanation) == \
        ("m2", "other", [["x", 0.1]])
    assert (listed[first].score, listed[first].flagged, listed[first].model_version) == \
        (0.1, False, "m2")
    assert first not in flagged
    assert flagged == sorted(flagged, reverse=True) and len(flagged) == 7


def test_an_edited_post_rescored_moves_in_the_queue(db: Database) -> None:
    post_ids = seed(db)
    low = post_ids[3]  # 0.55: last of the flagged
    with db.session() as session:
        add_scores(session, [ScoreRow(low, 2, "m1", 0.99, 0.5, True, "banner", [])])
        note_post_changes(session, {low: 0.99})
    with db.session() as session:
        page = review_queue(session, limit=2)
    assert page[0].post_id == low and page[0].score == 0.99 and page[0].version == 2
    assert walk(db, 2)[0] == page[0].id and len(walk(db, 2)) == 8


def test_counts_by_status_and_pages_per_status_after_decisions(db: Database) -> None:
    seed(db)
    ids = walk(db, 3)
    with db.session() as session:
        decide(session, ids[0], decision="confirmed", reviewer="ani")
        decide(session, ids[4], decision="rejected", reviewer="ani")
    with db.session() as session:
        by_status = count_by_status(session)
        assert count_queue(session, status="confirmed") == 1
    assert (by_status["pending"], by_status["confirmed"], by_status["rejected"]) == (6, 1, 1)
    assert walk(db, 2) == [i for i in ids if i not in (ids[0], ids[4])]
    assert walk(db, 2, status=None) == ids


def test_post_list_keyset_pages(db: Database) -> None:
    post_ids = seed(db)
    seen: list[int] = []
    while True:
        with db.session() as session:
            page = list_posts(session, limit=3, after=seen[-1] if seen else None)
        if not page:
            break
        seen += [p.id for p in page]
    assert seen == sorted(post_ids, reverse=True)


def test_the_migration_indexes_existing_rows_and_the_queue_reads_them(db_url: str) -> None:
    database = Database(db_url)
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    try:
        _seed_at_0002(database)
        upgrade(database)
        indexes = {i["name"] for table in ("reviews", "scores", "posts")
                   for i in inspect(database.engine).get_indexes(table)}
        assert {"ix_reviews_status_priority_desc_id", "ix_reviews_status_decided_at",
                "ix_scores_post_id_id", "ix_posts_author_id"} <= indexes
        assert walk(database, 3) == [i.id for i in _whole(database)]
        with database.session() as session:
            assert count_queue(session) == 8
    finally:
        database.dispose()


def _seed_at_0002(database: Database) -> None:
    with database.engine.begin() as connection:
        for i, score in enumerate(SCORES):
            connection.exec_driver_sql(
                "INSERT INTO posts (id, platform, external_id, text, collected_at, "
                "content_sha256, version, status) VALUES "
                f"({i + 1}, 'x', '{i}', 'post {i}', '2026-01-01 00:00:00', 'h', 1, 'active')")
            connection.exec_driver_sql(
                "INSERT INTO scores (post_id, post_version, model_version, score, threshold, "
                f"flagged, scored_at) VALUES ({i + 1}, 1, 'm1', {score}, 0.5, "
                f"{'true' if score >= 0.5 else 'false'}, '2026-01-01 00:00:00')")
            if score >= 0.5:
                connection.exec_driver_sql(
                    "INSERT INTO reviews (post_id, status, priority, created_at, version) "
                    f"VALUES ({i + 1}, 'pending', {score}, '2026-01-01 00:00:00', 1)")


def _whole(database: Database) -> list:  # type: ignore[type-arg]
    with database.session() as session:
        return review_queue(session, limit=100)
