"""Storing posts: dedupe, versions, authors, byte-exact text — on SQLite and PostgreSQL alike."""

from sqlalchemy import func, select

from storage.db import Database
from storage.models import AuthorRow, Post, PostVersion
from storage.posts import store_posts
from storage.records import Author as RecordAuthor
from storage.records import PostRecord


def post(external_id: str, text: str = "ayo coblos", handle: str = "budi") -> PostRecord:
    return PostRecord(platform="facebook", external_id=external_id, text=text,
                      author=RecordAuthor(handle=handle, name="Budi", bio="PNS Dinkes Kolaka"))


def test_storing_the_same_posts_twice_stores_nothing_new(db: Database) -> None:
    records = [post(str(i)) for i in range(50)]
    with db.session() as session:
        first = store_posts(session, records)
    with db.session() as session:
        second = store_posts(session, records)
        count = session.scalar(select(func.count()).select_from(Post))
    assert [s.outcome for s in first] == ["new"] * 50
    assert [s.outcome for s in second] == ["unchanged"] * 50
    assert count == 50


def test_an_edited_post_keeps_its_earlier_version(db: Database) -> None:
    with db.session() as session:
        store_posts(session, [post("1", "teks asli")])
    with db.session() as session:
        [stored] = store_posts(session, [post("1", "teks sudah diedit")])
    assert stored.outcome == "updated" and stored.version == 2
    with db.session() as session:
        current = session.scalars(select(Post)).one()
        [old] = session.scalars(select(PostVersion)).all()
    assert current.text == "teks sudah diedit" and current.version == 2
    assert old.text == "teks asli" and old.version == 1


def test_one_author_row_per_handle_with_latest_bio(db: Database) -> None:
    with db.session() as session:
        store_posts(session, [post("1"), post("2")])
    changed = PostRecord(platform="facebook", external_id="3", text="x",
                         author=RecordAuthor(handle="budi", name="Budi", bio="Kabid PU"))
    with db.session() as session:
        store_posts(session, [changed])
        authors = session.scalars(select(AuthorRow)).all()
    assert len(authors) == 1 and authors[0].bio == "Kabid PU"


def test_a_post_repeated_in_one_batch_is_stored_once(db: Database) -> None:
    with db.session() as session:
        results = store_posts(session, [post("1", "a"), post("1", "b")])
        count = session.scalar(select(func.count()).select_from(Post))
    assert count == 1
    assert {r.outcome for r in results} == {"new", "unchanged"}
    assert results[0].id == results[1].id


def test_hostile_text_is_stored_and_read_back_exactly(db: Database) -> None:
    hostile = ("<script>alert('x')</script><img src=x onerror=alert(1)>\"'&amp;"
               + "🗳️☝️✌️" + "\u202e" + "a" * 1_000_000 + "\x00 after NUL")
    # PostgreSQL text cannot hold NUL; storage must keep the bytes anyway (escaped on the way in).
    with db.session() as session:
        store_posts(session, [post("hostile", hostile)])
    with db.session() as session:
        stored = session.scalars(select(Post)).one()
    assert stored.text == hostile


def test_sqlite_readers_do_not_wait_for_a_writer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from storage.migrate import upgrade

    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade(db)
    with db.session() as session:
        store_posts(session, [post("1")])
    held, done = threading.Event(), threading.Event()

    def writer() -> None:
        with db.session() as session:  # BEGIN IMMEDIATE: holds the write lock
            store_posts(session, [post("2")])
            held.set()
            done.wait(20)

    thread = threading.Thread(target=writer)
    thread.start()
    held.wait(10)
    try:
        with db.reader() as session:  # would wait out the 30 s busy timeout if it took the lock
            count = session.scalar(select(func.count()).select_from(Post))
        assert count == 1  # the committed snapshot, not the writer's uncommitted row
    finally:
        done.set()
        thread.join(10)
        db.dispose()


def test_a_resent_post_adds_its_new_labels_and_fields_without_a_new_version(db: Database) -> None:
    from datetime import UTC, datetime

    with db.session() as session:
        store_posts(session, [PostRecord(platform="x", external_id="m", text="sama")])
    richer = PostRecord(platform="x", external_id="m", text="sama", label=1, region="Kab. Muna",
                        category="banner", posted_at=datetime(2024, 11, 1, tzinfo=UTC),
                        extra={"campaign_ref": "A-7"})
    with db.session() as session:
        [stored] = store_posts(session, [richer])
    with db.session() as session:
        row = session.scalars(select(Post)).one()
    assert stored.outcome == "unchanged" and row.version == 1
    assert (row.label, row.region, row.category) == (1, "Kab. Muna", "banner")
    assert row.posted_at == datetime(2024, 11, 1, tzinfo=UTC) and row.extra == {"campaign_ref": "A-7"}
