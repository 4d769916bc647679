"""The leads' dashboard: flagged and confirmed per day, region, category and platform; top
authors; the queue's age; the sources' health; charts rendered server-side as SVG with the
numbers in a table beside each. The aggregates come from monitor/services/dashboard.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from monitor.caching import TtlCache
from monitor.policy import Right
from monitor.services.dashboard import dashboard_view
from monitor.web.charts import bar_chart
from monitor.web.deps import WebContext, db_of, page, page_user, require
from monitor.web.words import word
from storage.dashboard import DashboardData

__all__ = ["router"]

router = APIRouter()
CHART_SECONDS = 120.0


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
    actor = require(ctx, Right.VIEW_DASHBOARD)
    view = dashboard_view(db_of(ctx.request), actor, ctx.request.app.state.dashboards)
    data = view.data
    charts = _chart_cache(ctx).get((ctx.language, data.computed_at), lambda: _charts(ctx, data))
    age = None
    if data.oldest_pending is not None:
        age = (datetime.now(UTC) - data.oldest_pending).total_seconds() / 3600
    return page(ctx, "dashboard.html", data=data, charts=charts, queue_age_h=age,
                dup_groups=view.dup_groups)


def _chart_cache(ctx: WebContext) -> TtlCache:
    """Rendered charts per language and aggregates' time (rendering SVG is not free)."""
    state = ctx.request.app.state
    found = getattr(state, "chart_cache", None)
    if found is None:
        found = state.chart_cache = TtlCache(CHART_SECONDS, maxsize=8)
    return found
