"""Review decisions through the use case: rights, second review, stale decisions, one audit
entry per decision and none for a refusal."""

from __future__ import annotations

import pytest
from services_helpers import audit_count, flagged_items, last_audit, person

from monitor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from monitor.policy import Actor, operator_actor
from monitor.services import review
from monitor.services.review import QueueFilter
from storage.db import Database
from storage.posts import store_posts
from storage.records import PostRecord


def test_a_monitors_confirmation_waits_for_a_lead_who_completes_it(db: Database) -> None:
    [item] = flagged_items(db)
    sari, budi = person(db, "sari", "monitor"), person(db, "budi", "lead")
    first = review.decide(db, sari, item, decision="confirmed", category="banner")
    assert first.status == "awaiting_second_review" and first.awaiting_second_review
    second = review.decide(db, budi, item, decision="confirmed")
    assert (second.status, second.awaiting_second_review, second.category) == (
        "confirmed", False, "banner")
    trail = review.show(db, budi, item).decisions
    assert [(d.reviewer, d.decision, d.previous_status) for d in trail] == [
        ("sari", "confirmed", "pending"), ("budi", "confirmed", "awaiting_second_review")]


def test_nobody_completes_their_own_finding_not_even_a_lead(db: Database) -> None:
    [item] = flagged_items(db)
    budi, rina = person(db, "budi", "lead"), person(db, "rina", "lead")
    assert review.decide(db, budi, item, decision="confirmed").status == "awaiting_second_review"
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="your own finding"):
        review.decide(db, budi, item, decision="confirmed")
    assert audit_count(db) == before
    assert review.decide(db, rina, item, decision="rejected").status == "rejected"


def test_a_monitor_cannot_complete_a_second_review(db: Database) -> None:
    [item] = flagged_items(db)
    sari, tono = person(db, "sari", "monitor"), person(db, "tono", "monitor")
    review.decide(db, sari, item, decision="confirmed")
    with pytest.raises(Conflict, match="already decided: awaiting_second_review by sari"):
        review.decide(db, tono, item, decision="confirmed")
    with pytest.raises(PermissionDenied, match="may not second_review"):
        review.decide(db, tono, item, decision="confirmed", expected_version=2)


def test_without_second_review_a_confirmation_completes_at_once(db: Database) -> None:
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    done = review.decide(db, sari, item, decision="confirmed", second_review=False)
    assert done.status == "confirmed" and not done.awaiting_second_review


def test_a_stale_decision_is_refused_showing_the_other_decision(db: Database) -> None:
    [item] = flagged_items(db)
    sari, budi = person(db, "sari", "monitor"), person(db, "budi", "lead")
    review.decide(db, sari, item, decision="rejected")
    before = audit_count(db)
    with pytest.raises(Conflict, match=r"changed since it was read \(version 1, now 2: rejected "
                                       r"by sari at \d{4}-\d\d-\d\d"):
        review.decide(db, budi, item, decision="confirmed", expected_version=1)
    with pytest.raises(Conflict, match="already decided: rejected by sari"):
        review.decide(db, budi, item, decision="confirmed")
    assert audit_count(db) == before


def test_a_decision_on_a_post_that_changed_since_is_stale(db: Database) -> None:
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    with db.session() as session:  # the post is seen again with new text
        from storage.reviews import note_post_changes

        [stored] = store_posts(session, [PostRecord(platform="x", external_id="p0",
                                                    text="teks baru")])
        note_post_changes(session, {stored.id: 0.8})
    with pytest.raises(Conflict, match="its post changed"):
        review.decide(db, sari, item, decision="confirmed", expected_version=1)


def test_changing_a_decided_item_needs_the_redecide_right_and_its_version(db: Database) -> None:
    [item] = flagged_items(db)
    sari, budi = person(db, "sari", "monitor"), person(db, "budi", "lead")
    review.decide(db, sari, item, decision="rejected")
    with pytest.raises(PermissionDenied, match="may not redecide"):
        review.decide(db, sari, item, decision="escalated", expected_version=2)
    changed = review.decide(db, budi, item, decision="escalated", expected_version=2)
    assert changed.status == "escalated" and changed.version == 3


@pytest.mark.parametrize(("role", "right"), [("data", "decide")])
def test_a_role_without_the_decide_right_is_refused(db: Database, role: str, right: str) -> None:
    [item] = flagged_items(db)
    dina = person(db, "dina", role)
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match=f"may not {right}"):
        review.decide(db, dina, item, decision="rejected")
    assert audit_count(db) == before


def test_the_local_operator_decides_only_while_no_user_exists(db: Database) -> None:
    first, second = flagged_items(db, 2)
    alone = operator_actor(users_exist=False)
    assert review.decide(db, alone, first, decision="rejected").status == "rejected"
    person(db, "sari", "monitor")
    with pytest.raises(PermissionDenied, match="--as USER"):
        review.decide(db, operator_actor(users_exist=True), second, decision="rejected")


def test_bad_input_and_unknown_items_are_refused_without_an_audit_entry(db: Database) -> None:
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    before = audit_count(db)
    with pytest.raises(InvalidInput, match="decision must be one of"):
        review.decide(db, sari, item, decision="maybe")
    with pytest.raises(InvalidInput, match="category must be one of"):
        review.decide(db, sari, item, decision="confirmed", category="gossip")
    with pytest.raises(NotFound, match="no review item 999"):
        review.decide(db, sari, 999, decision="rejected")
    assert audit_count(db) == before


def test_each_decision_appends_exactly_one_audit_entry_naming_the_actor(db: Database) -> None:
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    before = audit_count(db)
    review.decide(db, sari, item, decision="confirmed", category="banner", note="baliho")
    assert audit_count(db) == before + 1
    entry = last_audit(db)
    assert (entry.actor, entry.action, entry.entity_id) == ("sari", "review.decide", str(item))
    assert entry.details["status"] == "awaiting_second_review"
    assert entry.details["rows"][0]["table"] == "review_decisions"


def test_show_gives_the_item_in_full(db: Database) -> None:
    [item] = flagged_items(db)
    sari = person(db, "sari", "monitor")
    detail = review.show(db, sari, item)
    assert detail.text == "ayo coblos nomor 0" and detail.status == "pending"
    assert detail.scores[0].explanation == (("coblos", 0.4),)
    assert detail.scores[0].model_version == "m1" and detail.post_status == "active"
    assert [v.version for v in detail.versions] == [1]
    with pytest.raises(NotFound):
        review.show(db, sari, 999)
    with pytest.raises(PermissionDenied):
        review.show(db, Actor(name="nobody", kind="user", role="none"), item)


def test_queue_lists_by_status_for_those_who_may_see_it(db: Database) -> None:
    items = flagged_items(db, 3)
    sari = person(db, "sari", "monitor")
    review.decide(db, sari, items[0], decision="confirmed")
    assert [i.id for i in review.queue(db, sari)] == items[1:]
    assert [i.id for i in review.queue(db, sari, status="awaiting_second_review")] == items[:1]
    with pytest.raises(InvalidInput):
        review.queue(db, sari, status="lost")


def test_queue_narrowed_by_platform_and_score(db: Database) -> None:
    items = flagged_items(db, 3)  # scores 0.90, 0.89, 0.88 on platform x
    sari = person(db, "sari", "monitor")
    assert [i.id for i in review.queue(db, sari, where=QueueFilter(min_score=0.885))] == items[:2]
    assert review.queue(db, sari, where=QueueFilter(platform="tiktok")) == []
    assert len(review.queue(db, sari, where=QueueFilter(platform="x", source="none"))) == 0
