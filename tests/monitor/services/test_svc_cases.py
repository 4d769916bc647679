"""Cases through the use cases: a completed confirmation opens or joins its author's case, the
follow-up walks reported → recommendation → sanction → closed on a fake clock, each deadline
goes overdue, bad order is refused, monitors and the local operator are refused, and every
change is audited with its actor and its rows bound."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from services_helpers import audit_count, person
from sqlalchemy import select

from monitor.errors import InvalidInput, NotFound, PermissionDenied
from monitor.policy import Actor, operator_actor
from monitor.services import cases, review
from monitor.services.cases import Deadlines, overdue_by_region
from storage.audit import verify_log
from storage.db import Database
from storage.models import AuditEntry
from storage.posts import store_posts
from storage.records import record_from_dict
from storage.reviews import ScoreRow, add_scores, enqueue, review_queue

_BATCHES = itertools.count()
RULES = Deadlines(report_within=timedelta(days=7), recommendation_within=timedelta(days=30),
                  sanction_within=timedelta(days=14))


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def flagged(db: Database, authors: list[str]) -> list[int]:
    """One flagged post per author (`handle` or `handle@region`); their review ids."""
    start = next(_BATCHES) * 100  # fresh external ids on every call
    records = [record_from_dict({"platform": "facebook", "external_id": f"fb{start + i}",
                                 "text": f"ayo coblos nomor {i}", "region": region,
                                 "author": {"handle": handle, "name": f"Budi {handle}"}})
               for i, (handle, region) in enumerate(
                   (a.split("@") + ["Kota Kendari"])[:2] for a in authors)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", 0.9 - i / 100, 0.5, True, "banner", [])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.reader() as session:
        by_post = {q.post_id: q.id for q in review_queue(session, status=None, limit=1000)}
    return [by_post[s.id] for s in stored]


def confirm(db: Database, monitor: Actor, lead: Actor, item: int) -> review.Decided:
    review.decide(db, monitor, item, decision="confirmed", category="banner")
    return review.decide(db, lead, item, decision="confirmed")


def case_actions(db: Database) -> list[tuple[str, str, str | None]]:
    with db.reader() as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_id)
                               .where(AuditEntry.entity == "case").order_by(AuditEntry.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def team(db: Database) -> dict[str, Actor]:
    return {"sari": person(db, "sari", "monitor"), "budi": person(db, "budi", "lead"),
            "rina": person(db, "rina", "lead")}


def test_second_review_opens_a_case_and_a_second_finding_joins_it(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    first, second, other = flagged(db, ["asn1", "asn1", "asn2"])
    sari, budi = team["sari"], team["budi"]
    waiting = review.decide(db, sari, first, decision="confirmed")
    assert waiting.case_id is None
    assert cases.list_cases(db, budi, deadlines=RULES) == []
    done = review.decide(db, budi, first, decision="confirmed")
    assert done.case_id is not None
    joined = confirm(db, sari, budi, second)
    apart = confirm(db, sari, budi, other)
    assert joined.case_id == done.case_id and apart.case_id != done.case_id
    record = cases.show_case(db, budi, done.case_id, deadlines=RULES)
    assert record.review_ids == (first, second)
    assert record.known_at == done.decided_at
    assert record.terlapor is not None and record.terlapor.handle == "asn1"
    assert case_actions(db) == [("budi", "case.open", str(done.case_id)),
                                ("budi", "case.join", str(done.case_id)),
                                ("budi", "case.open", str(apart.case_id))]
    assert [e.action for e in record.history] == ["case.open", "case.join"]
    with db.reader() as session:
        assert verify_log(session).intact


def test_without_second_review_a_monitors_confirmation_opens_the_case(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    [item] = flagged(db, ["asn1"])
    done = review.decide(db, team["sari"], item, decision="confirmed", second_review=False)
    assert done.case_id is not None
    assert case_actions(db) == [("sari", "case.open", str(done.case_id))]


def test_a_rejection_opens_no_case(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    [item] = flagged(db, ["asn1"])
    review.decide(db, team["sari"], item, decision="confirmed")
    assert review.decide(db, team["budi"], item, decision="rejected").case_id is None
    assert case_actions(db) == []


def test_a_case_walks_through_every_step_and_each_deadline_goes_overdue(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    [item] = flagged(db, ["asn1"])
    budi, rina = team["budi"], team["rina"]
    review.decide(db, team["sari"], item, decision="confirmed")
    case_id = review.decide(db, budi, item, decision="confirmed").case_id
    assert case_id is not None
    known = cases.show_case(db, budi, case_id, deadlines=RULES).known_at
    clock = FakeClock(known)

    def state() -> cases.CaseRecord:
        return cases.show_case(db, budi, case_id, deadlines=RULES, clock=clock)

    def overdue_ids() -> list[int]:
        return [c.id for c in cases.list_cases(db, budi, deadlines=RULES, overdue=True,
                                               clock=clock)]

    clock.advance(days=6, hours=23)
    assert not state().clock.overdue and overdue_ids() == []
    clock.advance(hours=2)  # past known_at + 7 days, nothing reported
    assert [d.step for d in state().clock.deadlines if d.overdue] == ["reported"]
    assert overdue_ids() == [case_id]
    clock.advance(days=1)  # reported a day after the day it was due: on record as late
    reported_on = clock.now.date()
    after = cases.record_step(db, rina, case_id, step="reported", reference="003/PL/XI/2024",
                              deadlines=RULES, clock=clock)
    assert after.status == "reported" and not after.clock.overdue
    assert after.clock.deadlines[0].late and after.clock.deadlines[0].done_on == reported_on

    clock.advance(days=31)
    assert [d.step for d in state().clock.deadlines if d.overdue] == ["recommendation"]
    cases.record_step(db, budi, case_id, step="recommendation", deadlines=RULES, clock=clock,
                      note="Rekomendasi KASN: hukuman disiplin sedang")
    assert not state().clock.overdue
    clock.advance(days=15)
    assert [d.step for d in state().clock.deadlines if d.overdue] == ["sanction"]
    cases.record_step(db, budi, case_id, step="sanction", deadlines=RULES, clock=clock,
                      note="penundaan kenaikan pangkat 1 tahun", on=clock.now.date())
    done = cases.record_step(db, budi, case_id, step="closed", deadlines=RULES, clock=clock)
    assert done.status == "closed" and done.clock.next_step is None
    clock.advance(days=400)
    assert not state().clock.overdue
    assert [(s.step, s.actor) for s in done.steps] == [
        ("reported", "rina"), ("recommendation", "budi"), ("sanction", "budi"),
        ("closed", "budi")]
    assert [(e.actor, e.action, e.details.get("step")) for e in done.history] == [
        ("budi", "case.open", None), ("rina", "case.step", "reported"),
        ("budi", "case.step", "recommendation"), ("budi", "case.step", "sanction"),
        ("budi", "case.step", "closed")]
    with db.reader() as session:
        assert verify_log(session).intact


def _open_case(db: Database, team: dict[str, Actor], handle: str = "asn1") -> int:
    [item] = flagged(db, [handle])
    review.decide(db, team["sari"], item, decision="confirmed")
    case_id = review.decide(db, team["budi"], item, decision="confirmed").case_id
    assert case_id is not None
    return case_id


def test_steps_out_of_order_are_refused_and_not_audited(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    case_id = _open_case(db, team)
    budi = team["budi"]
    before = audit_count(db)
    with pytest.raises(InvalidInput, match="the next step is reported, not sanction"):
        cases.record_step(db, budi, case_id, step="sanction", note="x", deadlines=RULES)
    with pytest.raises(InvalidInput, match="needs the reference number"):
        cases.record_step(db, budi, case_id, step="reported", deadlines=RULES)
    with pytest.raises(InvalidInput, match="closed before its reported step: say why"):
        cases.record_step(db, budi, case_id, step="closed", deadlines=RULES)
    with pytest.raises(InvalidInput, match="step must be one of"):
        cases.record_step(db, budi, case_id, step="archived", deadlines=RULES)
    with pytest.raises(InvalidInput, match="in the future"):
        cases.record_step(db, budi, case_id, step="reported", reference="R", deadlines=RULES,
                          on=date.today() + timedelta(days=2))
    with pytest.raises(InvalidInput, match="before the finding became known"):
        cases.record_step(db, budi, case_id, step="reported", reference="R", deadlines=RULES,
                          on=date(2020, 1, 1))
    assert audit_count(db) == before
    cases.record_step(db, budi, case_id, step="reported", reference="R", deadlines=RULES)
    with pytest.raises(InvalidInput, match="the next step is recommendation, not reported"):
        cases.record_step(db, budi, case_id, step="reported", reference="R", deadlines=RULES)
    closed = cases.record_step(db, budi, case_id, step="closed", deadlines=RULES,
                               note="terlapor bukan ASN")
    assert closed.status == "closed"
    with pytest.raises(InvalidInput, match="is closed: no step can follow"):
        cases.record_step(db, budi, case_id, step="recommendation", note="x", deadlines=RULES)
    with pytest.raises(NotFound, match="no case 999"):
        cases.record_step(db, budi, 999, step="reported", reference="R", deadlines=RULES)


def test_monitors_and_the_local_operator_may_not_follow_cases_up(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    case_id = _open_case(db, team)
    sari, local = team["sari"], operator_actor(users_exist=True)
    with pytest.raises(PermissionDenied):
        cases.list_cases(db, sari, deadlines=RULES)
    with pytest.raises(PermissionDenied):
        cases.show_case(db, sari, case_id, deadlines=RULES)
    with pytest.raises(PermissionDenied):
        cases.record_step(db, sari, case_id, step="reported", reference="R", deadlines=RULES)
    with pytest.raises(PermissionDenied, match="local operator may not manage_cases"):
        cases.record_step(db, local, case_id, step="reported", reference="R", deadlines=RULES)
    assert [c.id for c in cases.list_cases(db, local, deadlines=RULES)] == [case_id]


def test_overdue_cases_are_counted_per_region(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    kendari = _open_case(db, team, "asn1@Kota Kendari")
    _open_case(db, team, "asn2@Kabupaten Konawe")
    cases.record_step(db, team["budi"], kendari, step="reported", reference="R",
                      deadlines=RULES)
    clock = FakeClock(datetime.now(UTC) + timedelta(days=8))
    listed = cases.list_cases(db, team["budi"], deadlines=RULES, clock=clock)
    assert [(r.region, r.open, r.overdue) for r in overdue_by_region(listed)] == [
        ("Kabupaten Konawe", 1, 1), ("Kota Kendari", 1, 0)]
    only = cases.list_cases(db, team["budi"], deadlines=RULES, region="kota kendari",
                            status="reported")
    assert [c.id for c in only] == [kendari]
    with pytest.raises(InvalidInput, match="status must be one of"):
        cases.list_cases(db, team["budi"], deadlines=RULES, status="done")


def test_two_leads_completing_one_authors_findings_at_once_make_one_case(db: Database, team) -> None:  # type: ignore[no-untyped-def]
    """The decision's audit append serialises writers (PostgreSQL advisory lock, SQLite's
    BEGIN IMMEDIATE), so the second lead's transaction finds the first one's case."""
    first, second = flagged(db, ["asn9", "asn9"])
    for item in (first, second):
        review.decide(db, team["sari"], item, decision="confirmed")
    start, results = threading.Barrier(2), {}

    def complete(lead: str, item: int) -> None:
        start.wait()
        results[lead] = review.decide(db, team[lead], item, decision="confirmed").case_id

    threads = [threading.Thread(target=complete, args=(lead, item))
               for lead, item in (("budi", first), ("rina", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["budi"] == results["rina"] is not None
    assert sorted(a for _actor, a, _id in case_actions(db)) == ["case.join", "case.open"]
