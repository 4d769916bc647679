"""Aggregates for the leads' dashboard and the public statistics page.

Days and months are counted in the deployment's time zone (web.timezone), not UTC, so a post
flagged at 07:00 WITA counts on that WITA day. Every query groups over review rows only (their
copies of the post's region, platform and author and of the predicted category, migration 0011),
never the posts or scores; the web layer caches the results for a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import AuthorRow, Review, Source
from storage.reviews import REVIEW_STATUSES
from storage.stored_errors import text_in_language

__all__ = [
    "Count2",
    "DashboardData",
    "SourceHealth",
    "dashboard_data",
    "public_counts",
    "source_health",
]


@dataclass(frozen=True)
class Count2:
    key: str
    flagged: int
    confirmed: int


@dataclass(frozen=True)
class SourceHealth:
    name: str
    type: str
    url: str
    enabled: bool
    region: str | None
    interval_seconds: float
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    posts_collected: int
    state: str  # ok | failing | silent | disabled | new
    last_error_template: str | None = None
    last_error_params: dict[str, Any] | None = None

    def last_error_in(self, gettext: Callable[[str], str] | None) -> str | None:
        """`last_error` in the language of `gettext`: a scraper's error translated from its
        stored template, any other text as it is (storage.stored_errors)."""
        return text_in_language(self.last_error, self.last_error_template,
                                self.last_error_params, gettext)


@dataclass(frozen=True)
class DashboardData:
    per_day: list[Count2]
    per_region: list[Count2]
    per_category: list[Count2]
    per_platform: list[Count2]
    top_authors: list[Count2]
    pending: int
    oldest_pending: datetime | None
    sources: list[SourceHealth]
    computed_at: datetime


def _local(session: Session, column: Any, zone: str, fmt: str) -> Any:
    """column (UTC) as a local day ('%Y-%m-%d') or month ('%Y-%m') string in zone."""
    if session.get_bind().dialect.name == "postgresql":
        pg = "YYYY-MM-DD" if fmt == "%Y-%m-%d" else "YYYY-MM"
        return func.to_char(func.timezone(zone, column), pg)
    offset = datetime.now(ZoneInfo(zone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    return func.strftime(fmt, column, f"{minutes:+d} minutes")


_CONFIRMED = func.sum(case((Review.status == "confirmed", 1), else_=0))


def _per_day(session: Session, zone: str, days: int) -> list[Count2]:
    since = datetime.now(UTC) - timedelta(days=days)
    flagged_day = _local(session, Review.created_at, zone, "%Y-%m-%d")
    # every status named, so each one's (status, created_at) index range is read
    flagged: dict[Any, Any] = dict(session.execute(select(flagged_day, func.count()).where(
        Review.status.in_(REVIEW_STATUSES), Review.created_at >= since)
        .group_by(flagged_day)).all())
    decided_day = _local(session, Review.decided_at, zone, "%Y-%m-%d")
    confirmed: dict[Any, Any] = dict(session.execute(select(decided_day, func.count()).where(
        Review.status == "confirmed", Review.decided_at >= since).group_by(decided_day)).all())
    keys = sorted(set(flagged) | set(confirmed))
    return [Count2(str(k), int(flagged.get(k, 0)), int(confirmed.get(k, 0))) for k in keys]


def _by_status(session: Session, column: Any) -> dict[Any, dict[str, int]]:
    """column value → {status: items}: grouped by (status, column), which a (status, column …)
    index answers without reading the review rows."""
    out: dict[Any, dict[str, int]] = {}
    for status, key, n in session.execute(select(Review.status, column, func.count())
                                          .group_by(Review.status, column)):
        out.setdefault(key, {})[status] = int(n)
    return out


def _ranked(counts: dict[Any, dict[str, int]], limit: int) -> list[tuple[Any, int, int]]:
    rows = [(key, sum(per.values()), per.get("confirmed", 0)) for key, per in counts.items()]
    rows.sort(key=lambda r: (-r[2], -r[1], "" if r[0] is None else str(r[0])))
    return rows[:limit]


def _grouped(session: Session, column: Any, limit: int = 50) -> list[Count2]:
    return [Count2(str(k) if k is not None else "", n, c)
            for k, n, c in _ranked(_by_status(session, column), limit)]


def _per_category(session: Session) -> list[Count2]:
    """Flagged: queue items by their post's newest predicted category; confirmed: by the
    category the reviewer gave."""
    predicted = {k: sum(per.values())
                 for k, per in _by_status(session, Review.predicted_category).items()}
    confirmed = dict(session.execute(
        select(Review.category, func.count()).where(Review.status == "confirmed")
        .group_by(Review.category)).all())
    keys = sorted({k for k in set(predicted) | set(confirmed)}, key=lambda k: k or "")
    rows = [Count2(k or "", int(predicted.get(k, 0)), int(confirmed.get(k, 0))) for k in keys]
    return sorted(rows, key=lambda r: (-r.confirmed, -r.flagged))


def _top_authors(session: Session, limit: int = 10) -> list[Count2]:
    """Ranked over the review rows' author copies (the (author_id, status) index alone); only
    the top few authors' rows are read."""
    counts: dict[Any, dict[str, int]] = {}
    for author_id, status, n in session.execute(
            select(Review.author_id, Review.status, func.count())
            .where(Review.author_id.is_not(None)).group_by(Review.author_id, Review.status)):
        counts.setdefault(author_id, {})[status] = int(n)
    top = [(a, n, c) for a, n, c in sorted(
        ((a, sum(per.values()), per.get("confirmed", 0)) for a, per in counts.items()),
        key=lambda r: (-r[2], -r[1], r[0]))[:limit]]
    label = func.coalesce(func.nullif(AuthorRow.name, ""), AuthorRow.handle)
    names = {i: (platform, name) for i, platform, name in session.execute(
        select(AuthorRow.id, AuthorRow.platform, label)
        .where(AuthorRow.id.in_([a for a, _n, _c in top])))}
    return [Count2(f"{names[a][1]} ({names[a][0]})", n, c) for a, n, c in top if a in names]


def _state(source: Source, now: datetime) -> str:
    if not source.enabled:
        return "disabled"
    if source.consecutive_failures:
        return "failing"
    if source.last_success_at is None:
        return "new" if now - source.created_at < timedelta(seconds=3 * source.interval_seconds) \
            else "silent"
    silent_after = timedelta(seconds=max(3 * source.interval_seconds, 3600))
    return "silent" if now - source.last_success_at > silent_after else "ok"


def source_health(session: Session) -> list[SourceHealth]:
    """Every source with its health; failing and silent ones first."""
    now = datetime.now(UTC)
    rows = [SourceHealth(
        name=s.name, type=s.type, url=s.url, enabled=s.enabled, region=s.region,
        interval_seconds=s.interval_seconds, last_run_at=s.last_run_at,
        last_success_at=s.last_success_at, last_error=s.last_error,
        last_error_template=s.last_error_template, last_error_params=s.last_error_params,
        consecutive_failures=s.consecutive_failures, posts_collected=s.posts_collected,
        state=_state(s, now)) for s in session.scalars(
            select(Source).where(Source.removed_at.is_(None)).order_by(Source.name))]
    order = {"failing": 0, "silent": 1, "new": 2, "ok": 3, "disabled": 4}
    return sorted(rows, key=lambda r: (order[r.state], r.name))


def dashboard_data(session: Session, zone: str, days: int = 30) -> DashboardData:
    oldest = session.execute(select(func.min(Review.created_at), func.count())
                             .where(Review.status == "pending")).one()
    return DashboardData(
        per_day=_per_day(session, zone, days), per_region=_grouped(session, Review.region),
        per_category=_per_category(session), per_platform=_grouped(session, Review.platform),
        top_authors=_top_authors(session), pending=int(oldest[1]),
        oldest_pending=_aware(oldest[0]), sources=source_health(session),
        computed_at=datetime.now(UTC))


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite aggregates bypass the column type
        value = datetime.fromisoformat(value)
    moment: datetime = value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def public_counts(session: Session, zone: str) -> dict[str, list[tuple[str, int]]]:
    """Confirmed violations per KASN category, region and month: counts only, nothing else."""
    confirmed = Review.status == "confirmed"
    month = _local(session, Review.decided_at, zone, "%Y-%m")
    out: dict[str, list[tuple[str, int]]] = {}
    for name, column in (("category", Review.category), ("region", Review.region),
                         ("month", month)):
        query = (select(column, func.count()).select_from(Review).where(confirmed)
                 .group_by(column).order_by(column))
        out[name] = [(str(k) if k is not None else "", int(n)) for k, n in session.execute(query)]
    return out
