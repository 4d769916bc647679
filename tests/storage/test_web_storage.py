"""The web app's storage modules on both backends: sessions, login attempts, holds, reports,
the queue's full-text index (kept in step with edits and deletions) and the aggregates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update

from storage.dashboard import dashboard_data, public_counts
from storage.db import Database
from storage.holds import current_hold, holds_for, release_hold, take_hold
from storage.models import Post, Review
from storage.posts import store_posts
from storage.queue_search import QueueFilter, search_queue, status_counts
from storage.records import PostRecord
from storage.reports import (
    ReportInput,
    list_reports,
    report_status,
    set_report_status,
    store_report,
)
from storage.reviews import ScoreRow, add_scores, enqueue
from storage.users import create_user
from storage.web_sessions import (
    end_session,
    end_user_sessions,
    find_session,
    recent_failures,
    record_login_attempt,
    start_session,
)


def _user(db: Database, name: str = "budi") -> int:
    with db.session() as session:
        return create_user(session, name, "rahasia-panjang-1", "monitor").id


def _queue(db: Database, texts: list[str], region: str | None = None) -> list[int]:
    records = [PostRecord(platform="x", external_id=f"e{i}-{t[:5]}", text=t, region=region)
               for i, t in enumerate(texts)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m", 0.9 - i / 100, 0.5, True, "banner", [])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    return [s.id for s in stored]


def _search(db: Database, q: str) -> list[int]:
    with db.reader() as session:
        return [r.post_id for r in search_queue(session, QueueFilter(status=None, q=q)).rows]


def test_sessions_expire_and_end(db: Database) -> None:
    user = _user(db)
    now = datetime.now(UTC)
    with db.session() as session:
        token, info = start_session(session, user, max_age=3600, now=now)
    with db.reader() as session:
        assert find_session(session, token, idle=600, now=now + timedelta(seconds=599))
        assert find_session(session, token, idle=600, now=now + timedelta(seconds=601)) is None
        assert find_session(session, token, idle=7200, now=now + timedelta(seconds=3601)) is None
        assert find_session(session, "not-the-token", idle=600, now=now) is None
    with db.session() as session:
        assert end_session(session, token) is True
        assert find_session(session, token, idle=600, now=now) is None
        token2, _ = start_session(session, user, max_age=3600)
        assert end_user_sessions(session, user, "deactivated") == 1
        assert find_session(session, token2, idle=600) is None
    assert info.csrf_token and token not in info.csrf_token


def test_login_failures_are_counted_in_the_window_and_reset_by_success(db: Database) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        for minutes in (20, 3, 2):
            record_login_attempt(session, "user", "budi", succeeded=False,
                                 now=now - timedelta(minutes=minutes))
        assert recent_failures(session, "user", "budi", window=900, now=now) == 2
        record_login_attempt(session, "user", "budi", succeeded=True, now=now - timedelta(minutes=1))
        assert recent_failures(session, "user", "budi", window=900, now=now) == 0
        assert recent_failures(session, "addr", "budi", window=900, now=now) == 0


def test_holds_are_taken_refused_forced_and_expire(db: Database) -> None:
    one, two = _user(db, "satu"), _user(db, "dua")
    _queue(db, ["ayo coblos"])
    now = datetime.now(UTC)
    with db.session() as session:
        hold, broken = take_hold(session, 1, one, "satu", now=now)
        assert (hold.holder, broken) == ("satu", None)
        other, broken = take_hold(session, 1, two, "dua", now=now)
        assert other.holder == "satu" and broken is None  # refused: satu holds it
        forced, broken = take_hold(session, 1, two, "dua", force=True, now=now)
        assert forced.holder == "dua" and broken is not None and broken.holder == "satu"
        assert current_hold(session, 1, now=now + timedelta(minutes=6)) is None
        assert set(holds_for(session, [1, 2], now=now)) == {1}
        release_hold(session, 1, one)  # not satu's any more: stays
        assert current_hold(session, 1, now=now) is not None
        release_hold(session, 1, two)
        assert current_hold(session, 1, now=now) is None


def test_reports_keep_the_code_as_a_hash(db: Database) -> None:
    with db.session() as session:
        report_id, code = store_report(session, ReportInput(what="ditekan atasan"))
        assert report_status(session, code.lower())[0] == "received"  # type: ignore[index]
        assert report_status(session, "AAAA-AAAA-AAAA-AAAA") is None
        assert set_report_status(session, report_id, "closed", "selesai")
        assert [r.status for r in list_reports(session)] == ["closed"]


def test_full_text_search_follows_edits_and_deletions(db: Database) -> None:
    ids = _queue(db, ["Baliho paslon terpasang", "Apel pagi Korpri", "Bibit untuk desa pendukung"])
    _queue(db, ["coblos nomor dua"])
    with db.session() as session:  # an unqueued post is not searched
        store_posts(session, [PostRecord(platform="x", external_id="plain", text="baliho lain")])
    assert _search(db, "baliho") == [ids[0]]
    assert _search(db, "BALIHO terpasang") == [ids[0]]
    assert _search(db, "balih") == []
    assert _search(db, 'baliho" OR 1=1 --') == []  # every word required, syntax is text
    with db.session() as session:
        session.execute(update(Post).where(Post.id == ids[1]).values(text="Rapat koordinasi"))
        session.execute(delete(Post).where(Post.id == ids[2]))
    assert _search(db, "korpri") == [] and _search(db, "koordinasi") == [ids[1]]
    assert _search(db, "bibit") == []


def test_queue_filters_and_counts(db: Database) -> None:
    _queue(db, ["a satu", "b dua"], region="Kota Kendari")
    _queue(db, ["c tiga"], region="Kabupaten Muna")
    with db.session() as session:
        session.execute(update(Review).where(Review.id == 3).values(status="rejected"))
    with db.reader() as session:
        f = QueueFilter(region="Kota Kendari")
        assert [r.id for r in search_queue(session, f).rows] == [1, 2]  # 0.90, 0.89
        assert status_counts(session, QueueFilter()) == {"pending": 2, "rejected": 1}
        page = search_queue(session, QueueFilter(status=None), limit=2)
        assert [r.id for r in page.rows] == [3, 1]  # 0.90, 0.90 (newer first), then 0.89
        assert page.next_after is not None
        score, _, ident = page.next_after.partition(":")
        rest = search_queue(session, QueueFilter(status=None, after=(float(score), int(ident))))
        assert [r.id for r in rest.rows] == [2]


def test_dashboard_and_public_counts_by_local_day(db: Database) -> None:
    _queue(db, ["a", "b"], region="Kota Kendari")
    wita_evening = datetime(2024, 11, 20, 15, 30, tzinfo=UTC)  # 23:30 WITA on the 20th
    wita_next_morning = datetime(2024, 11, 20, 16, 30, tzinfo=UTC)  # 00:30 WITA on the 21st
    with db.session() as session:
        session.execute(update(Review).where(Review.id == 1).values(
            status="confirmed", category="banner", decided_at=wita_evening,
            created_at=wita_evening))
        session.execute(update(Review).where(Review.id == 2).values(created_at=wita_next_morning))
    with db.reader() as session:
        data = dashboard_data(session, "Asia/Makassar", days=100000)
        counts = public_counts(session, "Asia/Makassar")
    assert [(d.key, d.flagged, d.confirmed) for d in data.per_day] == [
        ("2024-11-20", 1, 1), ("2024-11-21", 1, 0)]
    assert [(r.key, r.flagged, r.confirmed) for r in data.per_region] == [("Kota Kendari", 2, 1)]
    assert data.pending == 1 and data.oldest_pending == wita_next_morning
    assert counts == {"category": [("banner", 1)], "region": [("Kota Kendari", 1)],
                      "month": [("2024-11", 1)]}


def test_an_items_page_lists_the_authors_other_flagged_posts(db: Database) -> None:
    from storage.item_extras import other_posts_by_author
    from storage.records import Author

    records = [PostRecord(platform="x", external_id=f"a{i}", text=f"ayo coblos nomor {i}",
                          author=Author(handle="pns_budi" if i < 3 else "warga", name="B"))
               for i in range(5)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m", 0.9 - i / 10, 0.5, True, "banner", [])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.reader() as session:
        others = other_posts_by_author(session, stored[0].id)
        alone = other_posts_by_author(session, stored[4].id)
    assert [o.text for o in others] == ["ayo coblos nomor 1", "ayo coblos nomor 2"]  # by score
    assert [o.text for o in alone] == ["ayo coblos nomor 3"]
