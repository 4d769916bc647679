"""The review queue: filters, full-text search, keyset pages, counts per status."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from monitor.errors import N_, InvalidInput
from monitor.policy import Right
from monitor.services.queue import parse_after, queue_view
from monitor.web.deps import WebContext, db_of, page, page_user, require, settings_of
from storage.queue_search import QueueFilter
from storage.records import CATEGORIES
from storage.reviews import REVIEW_STATUSES

__all__ = ["FILTER_KEYS", "parse_filters", "router"]

router = APIRouter()
FILTER_KEYS = ("status", "platform", "source", "region", "category", "q", "min_score",
               "max_score", "since", "until", "after")


def _score(value: str | None, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        score = float(value)
    except ValueError:
        raise InvalidInput(N_("{name} must be a number from 0 to 1"), name=name) from None
    if not 0 <= score <= 1:
        raise InvalidInput(N_("{name} must be a number from 0 to 1"), name=name)
    return score


def _day(value: str | None, zone: str, *, end: bool) -> datetime | None:
    """A local calendar day (YYYY-MM-DD) as the UTC instant it starts (or, for `until`, ends)."""
    if value in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(N_("a date must look like 2024-11-27")) from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def parse_filters(params: dict[str, str], zone: str) -> QueueFilter:
    status = params.get("status", "pending") or None
    if status == "all":
        status = None
    if status is not None and status not in REVIEW_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"), choices=", ".join(REVIEW_STATUSES))
    category = params.get("category") or None
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(N_("category must be one of {choices}"), choices=", ".join(CATEGORIES))
    try:
        after = parse_after(params.get("after"))
    except ValueError:
        raise InvalidInput(N_("not a queue position: {value}"), value=params.get("after", "")[:40]) \
            from None
    text = (params.get("q") or "").strip()[:200] or None
    return QueueFilter(
        status=status, platform=params.get("platform") or None,
        source=params.get("source") or None, region=params.get("region") or None,
        category=category, q=text, min_score=_score(params.get("min_score"), "min_score"),
        max_score=_score(params.get("max_score"), "max_score"),
        since=_day(params.get("since"), zone, end=False),
        until=_day(params.get("until"), zone, end=True), after=after)


def _link(params: dict[str, str], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "/queue?" + urlencode(merged)


@router.get("/queue")
def queue_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.VIEW_QUEUE)
    params = {k: v for k, v in ctx.request.query_params.items() if k in FILTER_KEYS}
    filters = parse_filters(params, settings_of(ctx.request).get("web.timezone"))
    view = queue_view(db_of(ctx.request), actor, filters, ctx.request.app.state.queue_caches)
    return page(ctx, "queue.html", rows=view.rows, counts=view.counts, choices=view.choices,
                holds=view.holds, params=params, statuses=REVIEW_STATUSES, categories=CATEGORIES,
                current_status=filters.status or "all",
                status_link=lambda s: _link(params, status=s, after=None),
                next_link=_link({**params, "status": filters.status or "all"},
                                after=view.next_after) if view.next_after else None,
                first_link=_link(params, after=None) if filters.after else None)
