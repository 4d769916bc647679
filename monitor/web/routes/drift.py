"""The data team's drift watch (`/drift`): weekly flagged shares and this week's new terms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from monitor.caching import TtlCache
from monitor.policy import Right
from monitor.services.drift import RARE_IN_SEED, DriftReport, drift_report
from monitor.web.deps import WebContext, db_of, page, page_user, require
from monitor.web.drift_charts import share_chart

__all__ = ["CACHE_SECONDS", "router"]

router = APIRouter()
CACHE_SECONDS = 300.0  # the windows read every post of eight weeks: computed once per 5 minutes


def _table(report: DriftReport, by: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows (a source or platform) × weeks (oldest first): (flagged, posts) per cell."""
    keys = sorted({row.key for week in report.weeks for row in getattr(week, by)})
    rows = []
    for key in keys:
        cells = []
        for week in report.weeks:
            found = next((r for r in getattr(week, by) if r.key == key), None)
            cells.append(found)
        rows.append({"key": key, "cells": cells})
    return keys, rows


def _cache(ctx: WebContext) -> TtlCache:
    state = ctx.request.app.state
    found = getattr(state, "drift_cache", None)
    if found is None:
        found = state.drift_cache = TtlCache(CACHE_SECONDS, maxsize=4)
    return found


@router.get("/drift")
def drift_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.VIEW_MODELS)
    report: DriftReport = _cache(ctx).get("report", lambda: drift_report(db_of(ctx.request), actor))
    weeks = [f"{w.start:%d-%m}" for w in report.weeks]
    _keys, by_platform = _table(report, "by_platform")
    _keys, by_source = _table(report, "by_source")
    chart = share_chart(ctx.gettext("Flagged share per platform, per week"), weeks, [
        (row["key"], [c.share if c and c.posts else None for c in row["cells"]])
        for row in by_platform])
    return page(ctx, "drift.html", report=report, weeks=weeks, by_platform=by_platform,
                by_source=by_source, chart=chart, rare_share=RARE_IN_SEED)
