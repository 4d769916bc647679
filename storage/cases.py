"""Cases: a terlapor's confirmed findings, and their follow-up to sanction.

A case opens at an author's first confirmed finding; later confirmed findings of the same
author join the open case. `known_at` (the first confirmation) starts the clock: a Bawaslu
finding must be registered within 7 days of becoming known. The follow-up steps come in a fixed
order (CASE_STEPS), each at most once, never edited; a case's status is its last step.

Each deadline runs from the step before it: `reported` from `known_at`, `recommendation` from
the day reported, `sanction` from the day of the recommendation. Step days are calendar days
(as the letters say) in the deployment's time zone (`Deadlines.zone`); a deadline running from
a step starts at the end of that step's day, and a step is late when its day is after the day
its deadline falls on. The clock is computed for a given `now`, so tests (and a bundle's report)
can ask for any moment.

Rules about who may record what, and in which order, live in monitor/services/cases.py; this
module keeps the record consistent and reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import N_, InvalidValue, ReviewNotFound, RowNotFound
from storage.models import (
    CASE_STATUSES,
    CASE_STEPS,
    AuditEntry,
    AuthorRow,
    Case,
    CaseItem,
    CaseStep,
    Post,
    Review,
)
from storage.posts import public_handle

__all__ = [
    "CASE_STEPS", "CASE_STATUSES", "DEADLINE_STEPS", "Deadlines", "Deadline", "CaseClock",
    "Terlapor", "CasePost", "CaseStepRow", "CaseEvent", "CaseRecord", "CaseSummary", "CaseJoin",
    "CaseNotFound", "open_or_join_case", "add_case_step", "case_record", "case_summaries",
    "case_ids_for_reviews", "case_clock", "case_document", "json_ready",
]

# The steps that have a deadline, and the step each one's deadline runs from (None: known_at).
DEADLINE_STEPS: tuple[tuple[str, str | None], ...] = (
    ("reported", None), ("recommendation", "reported"), ("sanction", "recommendation"))

# Extra keys of an imported post that may name the terlapor's position and agency.
_POSITION_KEYS = ("author_position", "position", "jabatan")
_AGENCY_KEYS = ("author_agency", "agency", "instansi")


class CaseNotFound(RowNotFound):
    """No case with that id (a RowNotFound, so the use cases answer it as NotFound)."""


@dataclass(frozen=True)
class Deadlines:
    """How long each step may take after the one before it (settings `cases.*_within`)."""

    report_within: timedelta = timedelta(days=7)
    recommendation_within: timedelta = timedelta(days=30)
    sanction_within: timedelta = timedelta(days=14)
    zone: str = "UTC"      # the time zone step days are calendar days of (web.timezone)

    def within(self, step: str) -> timedelta:
        return {"reported": self.report_within, "recommendation": self.recommendation_within,
                "sanction": self.sanction_within}[step]


@dataclass(frozen=True)
class Deadline:
    """One step's deadline: `due_at` None while the step it runs from is not done yet."""

    step: str
    due_at: datetime | None
    done_on: date | None
    overdue: bool          # not done, and now is past due_at
    late: bool             # done, but on a day after due_at's day


@dataclass(frozen=True)
class CaseClock:
    known_at: datetime
    now: datetime
    deadlines: tuple[Deadline, ...]
    next_step: str | None          # None once closed
    overdue: bool

    @property
    def days_since_known(self) -> int:
        return max(0, (self.now - self.known_at).days)


@dataclass(frozen=True)
class Terlapor:
    platform: str
    handle: str
    name: str
    bio: str
    url: str
    position: str | None
    agency: str | None


@dataclass(frozen=True)
class CasePost:
    review_id: int
    post_id: int
    platform: str
    external_id: str
    url: str | None
    text: str
    posted_at: datetime | None
    region: str | None
    review_status: str
    category: str | None
    reviewer: str | None
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class CaseStepRow:
    id: int
    step: str
    happened_on: date
    reference: str | None
    note: str | None
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class CaseEvent:
    """One audit entry about the case: opened, joined by a post, a step recorded."""

    entry_id: int
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class CaseRecord:
    """A case in full, as the case page, `cases show` and the evidence bundle show it."""

    id: int
    status: str
    region: str | None
    opened_by: str
    opened_at: datetime
    known_at: datetime
    updated_at: datetime
    terlapor: Terlapor | None
    posts: tuple[CasePost, ...]
    steps: tuple[CaseStepRow, ...]
    history: tuple[CaseEvent, ...]
    clock: CaseClock

    @property
    def review_ids(self) -> tuple[int, ...]:
        return tuple(p.review_id for p in self.posts)

    def step(self, name: str) -> CaseStepRow | None:
        return next((s for s in self.steps if s.step == name), None)


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list."""

    id: int
    status: str
    region: str | None
    handle: str
    name: str
    posts: int
    opened_at: datetime
    known_at: datetime
    updated_at: datetime
    clock: CaseClock


@dataclass(frozen=True)
class CaseJoin:
    case_id: int
    opened: bool        # a new case was opened for this item
    added: bool         # False: the item was already in a case (nothing written)
    case_item_id: int | None


def _end_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.max, ZoneInfo(zone)).astimezone(UTC)


def case_clock(known_at: datetime, steps: Iterable[tuple[str, date]], deadlines: Deadlines,
               now: datetime) -> CaseClock:
    """Each deadline of a case with these (step, day) done, at `now`. A closed case has no
    step due, so nothing of it is overdue."""
    done = dict(steps)
    closed = "closed" in done
    found: list[Deadline] = []
    for step, after in DEADLINE_STEPS:
        if after is None:
            start: datetime | None = known_at
        else:
            start = _end_of(done[after], deadlines.zone) if after in done else None
        due = None if start is None else start + deadlines.within(step)
        done_on = done.get(step)
        overdue = done_on is None and not closed and due is not None and now > due
        late = (done_on is not None and due is not None
                and done_on > due.astimezone(ZoneInfo(deadlines.zone)).date())
        found.append(Deadline(step, due, done_on, overdue, late))
    following = [s for s in CASE_STEPS if s not in done]
    next_step = None if closed else following[0]
    return CaseClock(known_at, now, tuple(found), next_step, any(d.overdue for d in found))


def open_or_join_case(session: Session, review_id: int, *, actor: str,
                      at: datetime | None = None) -> CaseJoin:
    """Put a confirmed item in its author's open case, opening one when there is none (a post
    without a known author gets a case of its own). An item already in a case stays there."""
    at = at or datetime.now(UTC)
    row = session.execute(select(Review.id, Review.post_id, Post.author_id, Post.region)
                          .join(Post, Post.id == Review.post_id)
                          .where(Review.id == review_id)).first()
    if row is None:
        raise ReviewNotFound(N_("no review item {id}"), id=review_id)
    existing = session.scalar(select(CaseItem.case_id).where(CaseItem.review_id == review_id))
    if existing is not None:
        return CaseJoin(existing, opened=False, added=False, case_item_id=None)
    case = None
    if row.author_id is not None:
        case = session.scalars(select(Case).where(Case.author_id == row.author_id,
                                                  Case.status != "closed")
                               .order_by(Case.id).limit(1)).first()
    opened = case is None
    if case is None:
        case = Case(author_id=row.author_id, region=row.region, status="open", opened_by=actor,
                    opened_at=at, known_at=at, updated_at=at)
        session.add(case)
        session.flush()
    else:
        case.updated_at = at
    item = CaseItem(case_id=case.id, review_id=review_id, post_id=row.post_id, added_by=actor,
                    added_at=at)
    session.add(item)
    session.flush()
    return CaseJoin(case.id, opened=opened, added=True, case_item_id=item.id)


def add_case_step(session: Session, case_id: int, *, step: str, happened_on: date,
                  actor: str, reference: str | None = None, note: str | None = None,
                  at: datetime | None = None) -> CaseStepRow:
    """Append one step and make it the case's status. Each step at most once."""
    if step not in CASE_STEPS:
        raise InvalidValue(N_("step must be one of {choices}"), choices=", ".join(CASE_STEPS))
    if not actor.strip():
        raise InvalidValue(N_("a case step needs an actor"))
    at = at or datetime.now(UTC)
    case = session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise CaseNotFound(N_("no case {id}"), id=case_id)
    if session.scalar(select(CaseStep.id).where(CaseStep.case_id == case_id,
                                                CaseStep.step == step)) is not None:
        raise InvalidValue(N_("case {id} already has the step {step}"), id=case_id, step=step)
    row = CaseStep(case_id=case_id, step=step, happened_on=happened_on, reference=reference,
                   note=note, actor=actor, recorded_at=at)
    session.add(row)
    case.status = step
    case.updated_at = at
    session.flush()
    return _step(row)


def _step(row: CaseStep) -> CaseStepRow:
    return CaseStepRow(row.id, row.step, row.happened_on, row.reference, row.note, row.actor,
                       row.recorded_at)


def _steps(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseStepRow]]:
    found: dict[int, list[CaseStepRow]] = {i: [] for i in case_ids}
    if not case_ids:
        return found
    rows = session.scalars(select(CaseStep).where(CaseStep.case_id.in_(case_ids))
                           .order_by(CaseStep.id))
    for row in rows:
        found[row.case_id].append(_step(row))
    order = {s: i for i, s in enumerate(CASE_STEPS)}
    for steps in found.values():
        steps.sort(key=lambda s: order[s.step])
    return found


def _clock(case: Case, steps: Sequence[CaseStepRow], deadlines: Deadlines,
           now: datetime) -> CaseClock:
    return case_clock(case.known_at, [(s.step, s.happened_on) for s in steps], deadlines, now)


def _first_text(extras: Iterable[dict[str, Any] | None], keys: Sequence[str]) -> str | None:
    for extra in extras:
        for key in keys:
            value = (extra or {}).get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _terlapor(session: Session, case: Case, extras: list[dict[str, Any] | None]) -> Terlapor | None:
    if case.author_id is None:
        return None
    author = session.get(AuthorRow, case.author_id)
    if author is None:
        return None
    return Terlapor(platform=author.platform, handle=public_handle(author.handle),
                    name=author.name, bio=author.bio, url=author.url,
                    position=_first_text(extras, _POSITION_KEYS),
                    agency=_first_text(extras, _AGENCY_KEYS))


def _posts(session: Session, case_id: int) -> tuple[list[CasePost], list[dict[str, Any] | None]]:
    rows = session.execute(
        select(CaseItem.review_id, CaseItem.post_id, CaseItem.added_by, CaseItem.added_at,
               Post.platform, Post.external_id, Post.url, Post.text, Post.posted_at, Post.region,
               Post.extra, Review.status, Review.category, Review.reviewer)
        .join(Post, Post.id == CaseItem.post_id).join(Review, Review.id == CaseItem.review_id)
        .where(CaseItem.case_id == case_id).order_by(CaseItem.id)).all()
    posts = [CasePost(review_id=r.review_id, post_id=r.post_id, platform=r.platform,
                      external_id=r.external_id, url=r.url, text=r.text, posted_at=r.posted_at,
                      region=r.region, review_status=r.status, category=r.category,
                      reviewer=r.reviewer, added_by=r.added_by, added_at=r.added_at)
             for r in rows]
    return posts, [r.extra for r in rows]


def _history(session: Session, case_id: int) -> list[CaseEvent]:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "case",
                                                    AuditEntry.entity_id == str(case_id))
                           .order_by(AuditEntry.id))
    return [CaseEvent(e.id, e.at, e.actor, e.action,
                      {k: v for k, v in e.details.items() if k != "rows"}) for e in rows]


def case_record(session: Session, case_id: int, *, deadlines: Deadlines,
                now: datetime) -> CaseRecord:
    """One case in full: terlapor, region, posts (with their review ids), steps, history (its
    audit entries) and the clock at `now`. Raises CaseNotFound."""
    case = session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise CaseNotFound(N_("no case {id}"), id=case_id)
    posts, extras = _posts(session, case_id)
    steps = _steps(session, [case_id])[case_id]
    return CaseRecord(
        id=case.id, status=case.status, region=case.region, opened_by=case.opened_by,
        opened_at=case.opened_at, known_at=case.known_at, updated_at=case.updated_at,
        terlapor=_terlapor(session, case, extras), posts=tuple(posts), steps=tuple(steps),
        history=tuple(_history(session, case_id)), clock=_clock(case, steps, deadlines, now))


def case_summaries(session: Session, *, deadlines: Deadlines, now: datetime,
                   status: str | None = None, region: str | None = None,
                   overdue: bool = False) -> list[CaseSummary]:
    """Cases, the longest-known first; `region` matches case-insensitively; `overdue` keeps
    only cases with a step past its deadline at `now`."""
    if status is not None and status not in CASE_STATUSES:
        raise InvalidValue(N_("status must be one of {choices}"), choices=", ".join(CASE_STATUSES))
    counts = (select(CaseItem.case_id, func.count().label("posts"))
              .group_by(CaseItem.case_id).subquery())
    query = (select(Case, AuthorRow.handle, AuthorRow.name, counts.c.posts)
             .outerjoin(AuthorRow, AuthorRow.id == Case.author_id)
             .outerjoin(counts, counts.c.case_id == Case.id)
             .order_by(Case.known_at, Case.id))
    if status is not None:
        query = query.where(Case.status == status)
    if region:
        query = query.where(func.lower(Case.region) == region.strip().lower())
    rows = session.execute(query).all()
    steps = _steps(session, [row[0].id for row in rows])
    found = []
    for case, handle, name, posts in rows:
        clock = _clock(case, steps[case.id], deadlines, now)
        if overdue and not clock.overdue:
            continue
        found.append(CaseSummary(
            id=case.id, status=case.status, region=case.region,
            handle=public_handle(handle) if handle else "", name=name or "",
            posts=int(posts or 0), opened_at=case.opened_at, known_at=case.known_at,
            updated_at=case.updated_at, clock=clock))
    return found


def case_ids_for_reviews(session: Session, review_ids: Iterable[int]) -> dict[int, int]:
    """{review id: case id} for those of the given items that are in a case."""
    ids = sorted(set(review_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for review_id, case_id in session.execute(
                select(CaseItem.review_id, CaseItem.case_id).where(CaseItem.review_id.in_(chunk))):
            found[int(review_id)] = int(case_id)
    return found


def json_ready(value: Any) -> Any:
    """Dates and times as ISO 8601 strings, tuples as lists, all the way down."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def case_document(record: CaseRecord) -> dict[str, Any]:
    """A case in full as JSON: `cases show --json` and each bundle folder's `case.json`."""
    document: dict[str, Any] = json_ready(asdict(record))
    document["review_ids"] = list(record.review_ids)
    document["overdue"] = record.clock.overdue
    document["next_step"] = record.clock.next_step
    document["clock"]["days_since_known"] = record.clock.days_since_known
    return document
