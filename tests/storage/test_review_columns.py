"""The review row's copies of its post's platform, source, region, date and author and of its
newest score's category (migration 0011) agree with the post and scores after every write that
changes them — a new queue item, a rescoring, a re-sent post with a new region or date, a
decision — and after the migration fills them over existing rows; the web queue's filters and
the dashboard, which read only the copies, give what the posts say (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text

from storage.dashboard import dashboard_data
from storage.db import Database
from storage.migrate import _config, upgrade
from storage.posts import store_posts
from storage.queue_search import QueueFilter, filter_choices, search_queue, status_counts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue
from storage.sources import SourceDefinition, insert_source

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PLATFORMS = ("x", "facebook", "tiktok")
REGIONS = ("Kota Kendari", "Kabupaten Konawe", None)
CATEGORIES = ("banner", "social_media_campaign", None)


def _copies(db: Database) -> dict[int, tuple[object, ...]]:
    """post id → (platform, source id, region, posted_at, author id, predicted category) as the
    review row holds them."""
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT post_id, platform, source_id, region, posted_at, author_id, "
            "predicted_category FROM reviews")).all()
    return {r[0]: (r[1], r[2], r[3], _utc(r[4]), r[5], r[6]) for r in rows}


def _truth(db: Database) -> dict[int, tuple[object, ...]]:
    """The same, read from the posts and each post's newest score."""
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT p.id, p.platform, p.source_id, p.region, p.posted_at, p.author_id, "
            "(SELECT s.category FROM scores s WHERE s.post_id = p.id ORDER BY s.id DESC LIMIT 1) "
            "FROM posts p JOIN reviews r ON r.post_id = p.id")).all()
    return {r[0]: (r[1], r[2], r[3], _utc(r[4]), r[5], r[6]) for r in rows}


def _utc(value: object) -> object:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _sources(db: Database) -> list[int]:
    with db.session() as session:
        return [insert_source(session, SourceDefinition(f"src-{i}", "rss", f"https://s{i}.example/f",
                                                        900.0), now=T0).id for i in range(2)]


def _record(i: int, **changes: object) -> PostRecord:
    values: dict[str, object] = dict(
        platform=PLATFORMS[i % 3], external_id=f"p{i}", text=f"ajakan coblos nomor {i}",
        author=Author(handle=f"akun{i % 4}", name=f"Pegawai {i % 4}"),
        posted_at=T0 + timedelta(days=i), region=REGIONS[i % 3])
    values.update(changes)
    return PostRecord(**values)  # type: ignore[arg-type]


def _seed(db: Database, count: int = 12) -> list[int]:
    """Posts over two sources, each scored once; two in three flagged and queued."""
    sources = _sources(db)
    ids: list[int] = []
    for source in sources:
        with db.session() as session:
            stored = store_posts(session, [_record(i) for i in range(count) if i % 2 == source % 2],
                                 source_id=source)
            rows = [ScoreRow(s.id, 1, "m1", 0.5 + (s.id % 5) / 10, 0.5, s.id % 3 != 0,
                             CATEGORIES[s.id % 3], [["coblos", 0.3]]) for s in stored]
            add_scores(session, rows)
            enqueue(session, [r for r in rows if r.flagged])
            ids += [s.id for s in stored]
    return ids


def test_a_new_queue_item_carries_its_posts_fields_and_predicted_category(db: Database) -> None:
    _seed(db)
    copies = _copies(db)
    assert len(copies) == 8
    assert copies == _truth(db)
    assert all(c[0] in PLATFORMS and c[1] is not None and c[4] is not None
               for c in copies.values())


def test_a_rescoring_moves_the_predicted_category(db: Database) -> None:
    _seed(db)
    post_id = next(iter(_copies(db)))
    with db.session() as session:
        add_scores(session, [ScoreRow(post_id, 1, "m2", 0.97, 0.5, True, "partisan_activity",
                                      [["dukung", 0.4]])])
    assert _copies(db)[post_id][5] == "partisan_activity"
    assert _copies(db) == _truth(db)


def test_a_resent_post_with_a_new_region_or_date_moves_the_copies(db: Database) -> None:
    _seed(db)
    with db.engine.connect() as conn:
        post_id, external_id, source_id = conn.execute(text(
            "SELECT p.id, p.external_id, p.source_id FROM posts p "
            "JOIN reviews r ON r.post_id = p.id ORDER BY p.id LIMIT 1")).one()
    i = int(external_id[1:])
    moved = T0 + timedelta(days=40)
    with db.session() as session:
        store_posts(session, [_record(i, region="Kabupaten Baru", posted_at=moved)],
                    source_id=source_id)
    assert _copies(db)[post_id][2:4] == ("Kabupaten Baru", moved)
    assert _copies(db) == _truth(db)


def test_a_decision_keeps_the_copies(db: Database) -> None:
    _seed(db)
    with db.engine.connect() as conn:
        review_id = conn.execute(text("SELECT min(id) FROM reviews")).scalar_one()
    before = _copies(db)
    with db.session() as session:
        decide(session, review_id, decision="confirmed", reviewer="ani", category="banner")
    assert _copies(db) == before == _truth(db)


def test_the_web_queue_filters_give_what_the_posts_say(db: Database) -> None:
    _seed(db, count=30)
    truth = _truth(db)
    with db.engine.connect() as conn:
        review_of = dict(conn.execute(text("SELECT post_id, id FROM reviews")).all())
        source_of = dict(conn.execute(text("SELECT name, id FROM sources")).all())
    cases: list[tuple[QueueFilter, object]] = [
        (QueueFilter(platform="tiktok"), lambda t: t[0] == "tiktok"),
        (QueueFilter(region="Kota Kendari"), lambda t: t[2] == "Kota Kendari"),
        (QueueFilter(source="src-1"), lambda t: t[1] == source_of["src-1"]),
        (QueueFilter(source="no-such-source"), lambda t: False),
        (QueueFilter(category="banner"), lambda t: t[5] == "banner"),
        (QueueFilter(since=T0 + timedelta(days=5), until=T0 + timedelta(days=20)),
         lambda t: T0 + timedelta(days=5) <= t[3] < T0 + timedelta(days=20)),
        (QueueFilter(platform="x", region="Kabupaten Konawe", source="src-0"),
         lambda t: (t[0], t[2], t[1]) == ("x", "Kabupaten Konawe", source_of["src-0"])),
    ]
    with db.reader() as session:
        for f, keep in cases:
            expected = {review_of[p] for p, t in truth.items() if keep(t)}  # type: ignore[operator]
            got = {row.id for row in search_queue(session, f, limit=1000).rows}
            assert got == expected, f
            assert sum(status_counts(session, f).values()) == len(expected), f
        choices = filter_choices(session)
    assert choices["platform"] == sorted({t[0] for t in truth.values()})
    assert choices["region"] == sorted({t[2] for t in truth.values() if t[2]})


def test_the_dashboard_groups_by_the_copies(db: Database) -> None:
    _seed(db, count=30)
    truth = _truth(db)
    with db.reader() as session:
        data = dashboard_data(session, "Asia/Makassar")
    by_platform = {c.key: c.flagged for c in data.per_platform}
    assert by_platform == {p: sum(1 for t in truth.values() if t[0] == p)
                           for p in {t[0] for t in truth.values()}}
    by_category = {c.key: c.flagged for c in data.per_category}
    assert by_category == {k or "": sum(1 for t in truth.values() if t[5] == k)
                           for k in {t[5] for t in truth.values()}}
    per_author: dict[object, int] = {}
    for t in truth.values():
        per_author[t[4]] = per_author.get(t[4], 0) + 1
    assert [c.flagged for c in data.top_authors] == sorted(per_author.values(), reverse=True)[:10]


def test_the_migration_fills_the_copies_of_existing_items(db_url: str) -> None:
    database = Database(db_url)
    config = _config()
    try:
        upgrade(database)
        _seed(database)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        copies = _copies(database)
        assert len(copies) == 8 and copies == _truth(database)
        assert all(c[0] is not None for c in copies.values())
    finally:
        database.dispose()


def test_a_text_search_finds_the_same_items_by_either_plan(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rare terms go through the full-text index and probe the items; common ones walk the
    queue index and test each item: the same items, in the same order, either way."""
    import storage.queue_search as queue_search

    _seed(db, count=30)
    with db.engine.connect() as conn:
        pending = conn.execute(text(
            "SELECT r.id, p.text FROM reviews r JOIN posts p ON p.id = r.post_id "
            "WHERE r.status = 'pending' ORDER BY r.priority DESC, r.id DESC")).all()

    def truth(q: str) -> list[int]:
        return [i for i, body in pending if set(q.split()) <= set(body.split())]

    def found(q: str) -> tuple[list[int], int]:
        with db.reader() as session:
            rows = search_queue(session, QueueFilter(q=q), limit=1000).rows
            counts = status_counts(session, QueueFilter(q=q))
        return [row.id for row in rows], counts.get("pending", 0)

    cases = {"ajakan coblos": truth("ajakan coblos"), "nomor 7": truth("nomor 7")}
    assert len(cases["ajakan coblos"]) == len(pending) and len(cases["nomor 7"]) <= 1
    prefixed = {q: found(q) for q in cases}  # PostgreSQL: the whole range fits the prefix
    monkeypatch.setattr(queue_search, "PG_PREFIX_ROWS", 2)  # …or not: the index decides
    probed = {q: found(q) for q in cases}
    monkeypatch.setattr(queue_search, "COMMON_MATCHES", 1)
    monkeypatch.setattr(queue_search, "PG_COMMON_MATCHES", 1)
    walked = {q: found(q) for q in cases}
    assert prefixed == probed == walked == {q: (ids, len(ids)) for q, ids in cases.items()}


def test_a_search_page_found_in_the_prefix_pages_on_by_keyset(db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page found among the first items, the next one after it: together the whole list."""
    import storage.queue_search as queue_search

    _seed(db, count=30)
    monkeypatch.setattr(queue_search, "PG_PREFIX_ROWS", 6)
    with db.reader() as session:
        everything = [r.id for r in search_queue(session, QueueFilter(q="coblos"), limit=100).rows]
        seen: list[int] = []
        f = QueueFilter(q="coblos")
        while True:
            page = search_queue(session, f, limit=3)
            seen += [r.id for r in page.rows]
            if page.next_after is None:
                break
            f = QueueFilter(q="coblos", after=queue_search.parse_after(page.next_after))
    assert seen == everything and len(everything) > 6
