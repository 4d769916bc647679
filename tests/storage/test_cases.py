"""Case storage: opening and joining per author, steps in the record, the clock on any moment,
the review → case map, and case rows bound to the audit chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from storage.audit import append_audit, verify_log
from storage.bindings import row_binding
from storage.cases import (
    Deadlines,
    add_case_step,
    case_clock,
    case_ids_for_reviews,
    case_record,
    case_summaries,
    open_or_join_case,
)
from storage.db import Database
from storage.errors import InvalidValue
from storage.models import CaseStep
from storage.posts import store_posts
from storage.records import PostRecord, record_from_dict
from storage.reviews import ScoreRow, add_scores, enqueue, review_queue

KNOWN = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
RULES = Deadlines()


def items(db: Database, authors: list[str | None]) -> list[int]:
    """One flagged, queued post per given author handle (None: no author); review ids."""
    records = [record_from_dict({"platform": "x", "external_id": f"p{i}", "text": f"coblos {i}",
                                 "region": "Kota Kendari",
                                 **({"author": {"handle": a, "name": a.title()}} if a else {}),
                                 **({"jabatan": "Kepala Seksi", "instansi": "Dinas Pendidikan"}
                                    if i == 0 else {})})
               for i, a in enumerate(authors)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", 0.9 - i / 100, 0.5, True, None, [])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.reader() as session:
        by_post = {q.post_id: q.id for q in review_queue(session, limit=100)}
    return [by_post[s.id] for s in stored]


def test_an_authors_findings_gather_in_one_case_and_others_get_their_own(db: Database) -> None:
    first, second, other, anonymous = items(db, ["asn1", "asn1", "asn2", None])
    with db.session() as session:
        opened = open_or_join_case(session, first, actor="budi", at=KNOWN)
        joined = open_or_join_case(session, second, actor="rina", at=KNOWN + timedelta(days=1))
        apart = open_or_join_case(session, other, actor="budi", at=KNOWN)
        alone = open_or_join_case(session, anonymous, actor="budi", at=KNOWN)
        again = open_or_join_case(session, first, actor="budi", at=KNOWN)
    assert opened.opened and not joined.opened and joined.case_id == opened.case_id
    assert len({opened.case_id, apart.case_id, alone.case_id}) == 3
    assert not again.added and again.case_id == opened.case_id
    with db.reader() as session:
        record = case_record(session, opened.case_id, deadlines=RULES, now=KNOWN)
        assert case_ids_for_reviews(session, [first, second, other, 999]) == {
            first: opened.case_id, second: opened.case_id, other: apart.case_id}
    assert record.review_ids == (first, second)
    assert record.known_at == KNOWN and record.region == "Kota Kendari"
    assert record.terlapor is not None
    assert (record.terlapor.handle, record.terlapor.name) == ("asn1", "Asn1")
    assert (record.terlapor.position, record.terlapor.agency) == ("Kepala Seksi",
                                                                  "Dinas Pendidikan")
    assert [p.added_by for p in record.posts] == ["budi", "rina"]


def test_a_closed_case_is_not_joined(db: Database) -> None:
    first, later = items(db, ["asn1", "asn1"])
    with db.session() as session:
        case_id = open_or_join_case(session, first, actor="budi", at=KNOWN).case_id
        add_case_step(session, case_id, step="closed", happened_on=KNOWN.date(), actor="budi",
                      note="bukan ASN")
        assert open_or_join_case(session, later, actor="budi", at=KNOWN).opened


def test_steps_make_the_status_and_each_step_happens_once(db: Database) -> None:
    [item] = items(db, ["asn1"])
    with db.session() as session:
        case_id = open_or_join_case(session, item, actor="budi", at=KNOWN).case_id
        add_case_step(session, case_id, step="reported", happened_on=date(2024, 11, 22),
                      reference="001/LP/PL/Kota/27.01/XI/2024", actor="budi", at=KNOWN)
        with pytest.raises(InvalidValue, match="already has the step reported"):
            add_case_step(session, case_id, step="reported", happened_on=date(2024, 11, 23),
                          actor="budi")
        with pytest.raises(InvalidValue, match="step must be one of"):
            add_case_step(session, case_id, step="archived", happened_on=KNOWN.date(),
                          actor="budi")
    with db.reader() as session:
        record = case_record(session, case_id, deadlines=RULES, now=KNOWN)
        [summary] = case_summaries(session, deadlines=RULES, now=KNOWN, region="KOTA KENDARI")
    assert record.status == summary.status == "reported"
    step = record.step("reported")
    assert step is not None and step.reference == "001/LP/PL/Kota/27.01/XI/2024"
    assert step.happened_on == date(2024, 11, 22) and step.actor == "budi"


def test_the_clock_runs_each_deadline_from_the_step_before() -> None:
    clock = case_clock(KNOWN, [], RULES, KNOWN + timedelta(days=7, seconds=1))
    assert [d.step for d in clock.deadlines if d.overdue] == ["reported"]
    assert clock.deadlines[0].due_at == KNOWN + timedelta(days=7)
    assert clock.deadlines[1].due_at is None and clock.next_step == "reported"
    on_time = case_clock(KNOWN, [("reported", date(2024, 11, 27))], RULES,
                         datetime(2024, 12, 27, 23, 0, tzinfo=UTC))
    assert not on_time.overdue and on_time.next_step == "recommendation"
    assert on_time.deadlines[1].due_at == datetime(2024, 12, 27, 23, 59, 59, 999999, tzinfo=UTC)  # UTC days
    late = case_clock(KNOWN, [("reported", date(2024, 11, 28))], RULES, KNOWN)
    assert late.deadlines[0].late and not late.overdue
    closed = case_clock(KNOWN, [("closed", date(2024, 11, 21))], RULES, KNOWN + timedelta(days=99))
    assert not closed.overdue and closed.next_step is None


@settings(max_examples=60, deadline=None)
@given(days=st.integers(0, 400), within=st.integers(1, 60))
def test_reported_is_overdue_exactly_when_past_its_deadline(days: int, within: int) -> None:
    rules = Deadlines(report_within=timedelta(days=within))
    now = KNOWN + timedelta(days=days)
    clock = case_clock(KNOWN, [], rules, now)
    assert clock.overdue == (days > within)
    assert clock.days_since_known == days


def test_case_rows_are_bound_to_the_audit_chain(db: Database) -> None:
    [item] = items(db, ["asn1"])
    with db.session() as session:
        joined = open_or_join_case(session, item, actor="budi", at=KNOWN)
        step = add_case_step(session, joined.case_id, step="reported", happened_on=KNOWN.date(),
                             reference="R-1", actor="budi", at=KNOWN)
        append_audit(session, actor="budi", action="case.open", entity="case",
                     entity_id=joined.case_id, details={"rows": [
                         row_binding(session, "cases", joined.case_id),
                         row_binding(session, "case_items", joined.case_item_id or 0),
                         row_binding(session, "case_steps", step.id)]})
    with db.reader() as session:
        assert verify_log(session).intact
    with db.session() as session:
        session.execute(update(CaseStep).values(reference="R-2"))
    with db.reader() as session:
        problems = verify_log(session).row_problems
    assert [(p.table, p.reason.split(" (")[0]) for p in problems] == [
        ("case_steps", "the row does not match what its audit entry recorded")]


def test_a_case_without_a_binding_is_named(db: Database) -> None:
    [item] = items(db, ["asn1"])
    with db.session() as session:
        open_or_join_case(session, item, actor="budi", at=KNOWN)
    with db.reader() as session:
        tables = {p.table for p in verify_log(session).row_problems}
    assert tables == {"cases", "case_items"}


def test_posts_without_region_or_author_still_make_a_case(db: Database) -> None:
    with db.session() as session:
        [stored] = store_posts(session, [PostRecord(platform="x", external_id="n1", text="t")])
        row = ScoreRow(stored.id, 1, "m1", 0.9, 0.5, True, None, [])
        add_scores(session, [row])
        enqueue(session, [row])
    with db.session() as session:
        [queued] = review_queue(session)
        case_id = open_or_join_case(session, queued.id, actor="budi", at=KNOWN).case_id
        record = case_record(session, case_id, deadlines=RULES, now=KNOWN)
    assert record.terlapor is None and record.region is None


def test_step_days_are_calendar_days_of_the_deployments_zone() -> None:
    wita = Deadlines(zone="Asia/Makassar")  # UTC+8
    clock = case_clock(KNOWN, [("reported", date(2024, 11, 27))], wita, KNOWN)
    assert clock.deadlines[1].due_at == datetime(2024, 12, 27, 15, 59, 59, 999999, tzinfo=UTC)
    # known at 2024-11-20 11:00 WITA: due 2024-11-27 11:00 WITA, a report on the 27th is on time
    assert not clock.deadlines[0].late
