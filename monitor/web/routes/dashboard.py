"""The leads' dashboard: flagged and confirmed per day, region, category and platform; top
authors; the queue's age; the sources' health. Aggregates are cached for a minute per process
and refreshed in the background after that, so a request never waits for them but the first."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from monitor.policy import Right
from monitor.web.cache import TtlCache
from monitor.web.charts import bar_chart
from monitor.web.deps import WebContext, db_of, page, page_user, require, settings_of
from monitor.web.words import word
from storage.dashboard import DashboardData, dashboard_data
from storage.near_duplicates import FlaggedGroup, largest_flagged_groups

__all__ = ["CACHE_SECONDS", "router"]

router = APIRouter()
CACHE_SECONDS = 60.0
_lock = threading.Lock()


def _compute(ctx: WebContext) -> DashboardData:
    with db_of(ctx.request).reader() as session:
        return dashboard_data(session, settings_of(ctx.request).get("web.timezone"))


def _refresh(ctx: WebContext) -> None:
    state = ctx.request.app.state
    try:
        data = _compute(ctx)
        with _lock:
            state.dashboard_cache = (time.monotonic(), data)
    finally:
        with _lock:
            state.dashboard_refreshing = False


def _cached(ctx: WebContext) -> DashboardData:
    """The aggregates, at most CACHE_SECONDS old when fresh. Once they are older, the stale
    figures are served (their time is on the page) while one background thread recomputes
    them: only the first request after start-up waits for the aggregation."""
    state = ctx.request.app.state
    with _lock:
        hit = getattr(state, "dashboard_cache", None)
        if hit is not None:
            if time.monotonic() - hit[0] >= CACHE_SECONDS and not getattr(
                    state, "dashboard_refreshing", False):
                state.dashboard_refreshing = True
                threading.Thread(target=_refresh, args=(ctx,), daemon=True,
                                 name="dashboard-refresh").start()
            return hit[1]  # type: ignore[no-any-return]
    data = _compute(ctx)
    with _lock:
        state.dashboard_cache = (time.monotonic(), data)
    return data


def _charts(ctx: WebContext, data: DashboardData) -> dict[str, Any]:
    _ = ctx.gettext
    flagged, confirmed = _("Flagged"), _("Confirmed")

    def two(rows: list[Any], label: Any, horizontal: bool, title: str) -> str:
        return bar_chart(title, [label(r.key) for r in rows],
                         [(flagged, [r.flagged for r in rows]),
                          (confirmed, [r.confirmed for r in rows])], horizontal=horizontal)

    return {
        "day": two(data.per_day, lambda k: k[5:], False, _("Per day")),
        "region": two(data.per_region[:15], lambda k: k or _("unknown"), True,
                      _("Per region (ranked by confirmed)")),
        "category": two(data.per_category, lambda k: ctx.gettext(word("category", k)), True,
                        _("Per KASN category")),
        "platform": two(data.per_platform, lambda k: k, True, _("Per platform")),
    }


@router.get("/dashboard")
def dashboard_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    require(ctx, Right.VIEW_DASHBOARD)
    data = _cached(ctx)
    charts = _chart_cache(ctx).get((ctx.language, data.computed_at), lambda: _charts(ctx, data))
    age = None
    if data.oldest_pending is not None:
        age = (datetime.now(UTC) - data.oldest_pending).total_seconds() / 3600
    return page(ctx, "dashboard.html", data=data, charts=charts, queue_age_h=age,
                dup_groups=_chart_cache(ctx).get("dup_groups", lambda: _dup_groups(ctx)))


def _dup_groups(ctx: WebContext) -> list[FlaggedGroup]:
    with db_of(ctx.request).reader() as session:
        return largest_flagged_groups(session)


def _chart_cache(ctx: WebContext) -> TtlCache:
    state = ctx.request.app.state
    found = getattr(state, "chart_cache", None)
    if found is None:
        found = state.chart_cache = TtlCache(CACHE_SECONDS * 2, maxsize=8)
    return found
