"""What leads watch and what the public may see: the dashboard's aggregates (flagged and
confirmed per day, region, category, platform; top authors; queue age; source health), the
largest groups of near-identical flagged posts, and /statistik's anonymised counts.

The aggregates are computed from the index-only review columns, at most a minute old: a
`Refreshed` value recomputed in the background and warmed at start-up, so no request waits."""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.caching import Refreshed, TtlCache
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.dashboard import (
    DashboardData,
    SourceHealth,
    dashboard_data,
    public_counts,
    source_health,
)
from storage.db import Database
from storage.near_duplicates import FlaggedGroup, largest_flagged_groups

__all__ = ["DASHBOARD_SECONDS", "PUBLIC_SECONDS", "Dashboards", "DashboardView",
           "dashboard_view", "public_statistics", "sources_health"]

DASHBOARD_SECONDS = 60.0
PUBLIC_SECONDS = 300.0


@dataclass(frozen=True)
class DashboardView:
    data: DashboardData
    dup_groups: list[FlaggedGroup]


@dataclass
class Dashboards:
    """The cached aggregates of one app: build with `for_database`, then `warm()` at start-up."""

    data: Refreshed[DashboardData]
    public: Refreshed[dict[str, list[tuple[str, int]]]]
    groups: TtlCache = field(default_factory=lambda: TtlCache(DASHBOARD_SECONDS * 2, maxsize=2))

    @classmethod
    def for_database(cls, db: Database, zone: str) -> Dashboards:
        def aggregates() -> DashboardData:
            with db.reader() as session:
                return dashboard_data(session, zone)

        def public() -> dict[str, list[tuple[str, int]]]:
            with db.reader() as session:
                return public_counts(session, zone)

        return cls(data=Refreshed(DASHBOARD_SECONDS, aggregates, "dashboard-refresh"),
                   public=Refreshed(PUBLIC_SECONDS, public, "statistik-refresh"))

    def warm(self) -> None:
        self.data.warm()
        self.public.warm()


def dashboard_view(db: Database, actor: Actor, dashboards: Dashboards) -> DashboardView:
    require(actor, Right.VIEW_DASHBOARD)

    def groups() -> list[FlaggedGroup]:
        with db.reader() as session:
            return largest_flagged_groups(session)

    return DashboardView(data=dashboards.data.get(), dup_groups=dashboards.groups.get("all", groups))


def public_statistics(dashboards: Dashboards) -> dict[str, list[tuple[str, int]]]:
    """Confirmed violations per KASN category, region and month: counts only (no actor: the
    page is public; nothing in it names anyone)."""
    return dashboards.public.get()


def sources_health(db: Database, actor: Actor) -> list[SourceHealth]:
    """Every source with its health, failing and silent ones first."""
    require(actor, Right.MANAGE_SOURCES)
    with db.reader() as session:
        return source_health(session)
