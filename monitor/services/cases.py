"""Cases and their follow-up: the rules every interface obeys.

A confirmed finding (a lead's second review, or a confirmation with `review.second_review`
off) opens a case for the post's author or joins the author's open case, in the decision's
own transaction (`attach_confirmed`, called by monitor/services/review.py, after the decision's
audit append: that append serialises writers, so two leads completing one author's findings at
once still make one case). Leads and admins see
cases (`Right.VIEW_CASES`) and record their steps (`Right.MANAGE_CASES`, which the local
operator lacks once any user exists: every step is attributable to a person).

Steps come in order: reported → recommendation → sanction → closed. A case may be closed
earlier, with a note saying why. Each step's day may not lie in the future, nor before the
finding became known or before the step it follows. Every change is audited with the rows it
wrote bound to the entry (storage.bindings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.errors import N_, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require, storage_errors
from storage.audit import append_audit
from storage.bindings import row_binding
from storage.cases import (
    CASE_STATUSES,
    CASE_STEPS,
    CaseJoin,
    CaseNotFound,
    CaseRecord,
    CaseSummary,
    Deadlines,
    add_case_step,
    case_record,
    case_summaries,
    open_or_join_case,
)
from storage.db import Database

__all__ = ["CASE_STEPS", "CASE_STATUSES", "CaseRecord", "CaseSummary", "Deadlines",
           "Clock", "RegionCount", "deadlines_from", "attach_confirmed", "list_cases",
           "show_case", "record_step", "overdue_by_region", "export_follow_up"]

Clock = Callable[[], datetime]

NOTE_LIMIT = 4000
REFERENCE_LIMIT = 200


def _utcnow() -> datetime:
    return datetime.now(UTC)


def deadlines_from(settings: Any) -> Deadlines:
    """The `cases.*_within` settings as Deadlines, step days in `web.timezone`."""
    return Deadlines(
        report_within=timedelta(seconds=settings.get("cases.report_within")),
        recommendation_within=timedelta(seconds=settings.get("cases.recommendation_within")),
        sanction_within=timedelta(seconds=settings.get("cases.sanction_within")),
        zone=settings.get("web.timezone"))


def attach_confirmed(session: Session, actor: Actor, review_id: int, *,
                     at: datetime) -> CaseJoin:
    """Put a just-confirmed item into its author's case (opened if none is open), audited in
    the caller's transaction. The decision's rights were checked by the caller."""
    joined = open_or_join_case(session, review_id, actor=actor.name, at=at)
    if not joined.added:
        return joined
    rows = [row_binding(session, "cases", joined.case_id)]
    if joined.case_item_id is not None:
        rows.append(row_binding(session, "case_items", joined.case_item_id))
    append_audit(session, actor=actor.name, action="case.open" if joined.opened else "case.join",
                 entity="case", entity_id=joined.case_id,
                 details={"review_id": review_id, "rows": rows})
    return joined


def _not_found(case_id: int) -> NotFound:
    return NotFound(N_("no case {id}"), id=case_id)


def list_cases(db: Database, actor: Actor, *, deadlines: Deadlines, status: str | None = None,
               region: str | None = None, overdue: bool = False,
               clock: Clock = _utcnow) -> list[CaseSummary]:
    """Cases, the longest-known first, with their clock at `clock()`."""
    require(actor, Right.VIEW_CASES)
    if status is not None and status not in CASE_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"), choices=", ".join(CASE_STATUSES))
    with db.reader() as session, storage_errors():
        return case_summaries(session, deadlines=deadlines, now=clock(), status=status,
                              region=region or None, overdue=overdue)


def export_follow_up(db: Database, actor: Actor, *, deadlines: Deadlines,
                     status: str | None = None, region: str | None = None,
                     overdue: bool = False, clock: Clock = _utcnow) -> list[CaseSummary]:
    """The follow-up status of the cases a filter selects, for a download; the download is
    audited (who took which cases out of Pantau)."""
    found = list_cases(db, actor, deadlines=deadlines, status=status, region=region,
                       overdue=overdue, clock=clock)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="cases.export", entity="case",
                     details={"status": status, "region": region or None, "overdue": overdue,
                              "cases": [c.id for c in found]})
    return found


@dataclass(frozen=True)
class RegionCount:
    region: str | None
    open: int
    overdue: int


def overdue_by_region(cases: list[CaseSummary]) -> list[RegionCount]:
    """Open and overdue cases per region, the most overdue first."""
    counts: dict[str | None, list[int]] = {}
    for case in cases:
        if case.status == "closed":
            continue
        entry = counts.setdefault(case.region, [0, 0])
        entry[0] += 1
        entry[1] += case.clock.overdue
    found = [RegionCount(region, n_open, n_overdue) for region, (n_open, n_overdue)
             in counts.items()]
    return sorted(found, key=lambda r: (-r.overdue, -r.open, r.region or ""))


def show_case(db: Database, actor: Actor, case_id: int, *, deadlines: Deadlines,
              clock: Clock = _utcnow) -> CaseRecord:
    require(actor, Right.VIEW_CASES)
    with db.reader() as session:
        try:
            return case_record(session, case_id, deadlines=deadlines, now=clock())
        except CaseNotFound:
            raise _not_found(case_id) from None


def _clean(value: str | None, limit: int) -> str | None:
    value = value.strip() if value else None
    if value and len(value) > limit:
        raise InvalidInput(N_("text too long: at most {limit} characters"), limit=limit)
    return value or None


def _check_order(case: CaseRecord, step: str, note: str | None) -> None:
    if step not in CASE_STEPS:
        raise InvalidInput(N_("step must be one of {choices}"), choices=", ".join(CASE_STEPS))
    expected = case.clock.next_step
    if expected is None:
        raise InvalidInput(N_("case {id} is closed: no step can follow"), id=case.id)
    if step == "closed":
        if expected != "closed" and note is None:
            raise InvalidInput(N_("case {id} is closed before its {expected} step: say why "
                                  "with a note"), id=case.id, expected=expected)
        return
    if step != expected:
        raise InvalidInput(N_("case {id}: the next step is {expected}, not {step} (steps go "
                              "reported → recommendation → sanction → closed)"),
                           id=case.id, expected=expected, step=step)


def _check_fields(step: str, reference: str | None, note: str | None) -> None:
    if step == "reported" and reference is None:
        raise InvalidInput(N_("the reported step needs the reference number Bawaslu/KASN gave "
                              "(--reference)"))
    if step == "recommendation" and note is None:
        raise InvalidInput(N_("the recommendation step needs the recommendation's content "
                              "(--note)"))
    if step == "sanction" and note is None:
        raise InvalidInput(N_("the sanction step needs the kind of sanction the PPK imposed "
                              "(--note)"))


def _check_day(case: CaseRecord, on: date, today: date, zone: ZoneInfo) -> None:
    if on > today:
        raise InvalidInput(N_("the date {date} is in the future"), date=on.isoformat())
    known = case.known_at.astimezone(zone).date()
    if on < known:
        raise InvalidInput(N_("the date {date} is before the finding became known ({known})"),
                           date=on.isoformat(), known=known.isoformat())
    if case.steps and on < case.steps[-1].happened_on:
        last = case.steps[-1]
        raise InvalidInput(N_("the date {date} is before the {step} step ({last})"),
                           date=on.isoformat(), step=last.step, last=last.happened_on.isoformat())


def record_step(db: Database, actor: Actor, case_id: int, *, step: str, deadlines: Deadlines,
                on: date | None = None, reference: str | None = None, note: str | None = None,
                zone: str = "UTC", clock: Clock = _utcnow) -> CaseRecord:
    """Record the case's next follow-up step as `actor`; `on` (default: today in `zone`) is
    the day it happened. Raises PermissionDenied, NotFound or InvalidInput (order, day,
    missing reference or note); returns the case as it now is."""
    require(actor, Right.MANAGE_CASES)
    reference, note = _clean(reference, REFERENCE_LIMIT), _clean(note, NOTE_LIMIT)
    now, tz = clock(), ZoneInfo(zone)
    with db.session() as session, storage_errors():
        try:
            case = case_record(session, case_id, deadlines=deadlines, now=now)
        except CaseNotFound:
            raise _not_found(case_id) from None
        _check_order(case, step, note)
        _check_fields(step, reference, note)
        today = now.astimezone(tz).date()
        on = on or today
        _check_day(case, on, today, tz)
        row = add_case_step(session, case_id, step=step, happened_on=on, actor=actor.name,
                            reference=reference, note=note, at=now)
        append_audit(session, actor=actor.name, action="case.step", entity="case",
                     entity_id=case_id, details={
                         "step": step, "on": on.isoformat(), "reference": reference,
                         "note": note, "previous_status": case.status,
                         "rows": [row_binding(session, "case_steps", row.id),
                                  row_binding(session, "cases", case_id)]})
        return case_record(session, case_id, deadlines=deadlines, now=now)
