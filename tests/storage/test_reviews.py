"""The review queue: ordering, decisions, and refusal of stale or racing decisions."""

import threading

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import ReviewDecision
from storage.posts import store_posts
from storage.records import PostRecord
from storage.reviews import ScoreRow, StaleDecision, add_scores, decide, enqueue, review_queue


def flag(db: Database, scores: list[float]) -> list[int]:
    records = [PostRecord(platform="x", external_id=str(i), text=f"post {i}") for i in range(len(scores))]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", score, 0.5, score >= 0.5, None, [["coblos", 0.3]])
                for s, score in zip(stored, scores, strict=True)]
        add_scores(session, rows)
        enqueue(session, [r for r in rows if r.flagged])
    with db.session() as session:
        return [item.id for item in review_queue(session, limit=100)]


def test_queue_lists_flagged_posts_highest_score_first(db: Database) -> None:
    ids = flag(db, [0.6, 0.2, 0.99, 0.75])
    with db.session() as session:
        items = review_queue(session)
    assert [round(i.score, 2) for i in items] == [0.99, 0.75, 0.6]
    assert [i.id for i in items] == ids
    assert items[0].explanation == [["coblos", 0.3]] and items[0].model_version == "m1"


def test_enqueue_twice_opens_one_item(db: Database) -> None:
    flag(db, [0.9])
    with db.session() as session:
        row = ScoreRow(1, 1, "m2", 0.95, 0.5, True, None, [])
        add_scores(session, [row])
        assert enqueue(session, [row]) == 0


def test_decision_is_recorded_with_history(db: Database) -> None:
    [item] = flag(db, [0.9])
    with db.session() as session:
        review = decide(session, item, decision="confirmed", reviewer="ani",
                        category="banner", note="baliho jelas")
    assert review.status == "confirmed" and review.review_version == 2
    with db.session() as session:
        [history] = session.scalars(select(ReviewDecision)).all()
    assert (history.reviewer, history.previous_status, history.decision) == ("ani", "pending", "confirmed")


def test_deciding_an_already_decided_item_is_refused_without_its_version(db: Database) -> None:
    [item] = flag(db, [0.9])
    with db.session() as session:
        decide(session, item, decision="confirmed", reviewer="ani")
    with pytest.raises(StaleDecision, match="already decided: confirmed by ani"):
        with db.session() as session:
            decide(session, item, decision="rejected", reviewer="budi")
    with db.session() as session:
        changed = decide(session, item, decision="escalated", reviewer="budi", expected_version=2)
    assert changed.status == "escalated" and changed.review_version == 3


def test_a_decision_on_an_old_version_is_refused(db: Database) -> None:
    [item] = flag(db, [0.9])
    with db.session() as session:
        decide(session, item, decision="confirmed", reviewer="ani")
    with pytest.raises(StaleDecision, match="changed since it was read"):
        with db.session() as session:
            decide(session, item, decision="rejected", reviewer="budi", expected_version=1)


def test_a_decision_may_leave_the_item_in_another_status(db: Database) -> None:
    [item] = flag(db, [0.9])
    with db.session() as session:
        row = decide(session, item, decision="confirmed", reviewer="ani",
                     status="awaiting_second_review")
    assert (row.decision, row.status) == ("confirmed", "awaiting_second_review")
    with db.reader() as session:
        [queued] = review_queue(session, status="awaiting_second_review")
    assert queued.id == item and queued.reviewer == "ani"


def test_two_reviewers_racing_on_one_item_from_two_connections(db: Database) -> None:
    [item] = flag(db, [0.9])
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def reviewer(name: str, decision: str) -> None:
        other = Database(db.url)
        try:
            barrier.wait()
            with other.session() as session:
                decide(session, item, decision=decision, reviewer=name, expected_version=1)
            outcomes[name] = "won"
        except StaleDecision:
            outcomes[name] = "refused"
        finally:
            other.dispose()

    threads = [threading.Thread(target=reviewer, args=a) for a in (("ani", "confirmed"), ("budi", "rejected"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["refused", "won"]
    with db.session() as session:
        history = session.scalars(select(ReviewDecision)).all()
        [final] = review_queue(session, status=None)
    assert len(history) == 1 and final.reviewer == history[0].reviewer == [
        n for n, o in outcomes.items() if o == "won"][0]
