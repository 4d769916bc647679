"""Cases for leads and administrators: the list with overdue cases per region, one case with its
deadlines and the form for its next step, and the follow-up status as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.errors import N_, InvalidInput
from monitor.policy import Right
from monitor.services.cases import (
    CASE_STATUSES,
    CASE_STEPS,
    CaseSummary,
    deadlines_from,
    export_follow_up,
    list_cases,
    overdue_by_region,
    record_step,
    show_case,
)
from monitor.web.deps import WebContext, check_csrf, db_of, page, page_user, require, settings_of
from monitor.web.templating import local_time
from monitor.web.words import word

__all__ = ["router"]

router = APIRouter()


def _filters(params: Mapping[str, str]) -> dict[str, Any]:
    status = params.get("status") or None
    if status is not None and status not in CASE_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"), choices=", ".join(CASE_STATUSES))
    return {"status": status, "region": (params.get("region") or "").strip()[:200] or None,
            "overdue": params.get("overdue") in ("1", "on", "true")}


def _next_due(case: CaseSummary) -> datetime | None:
    clock = case.clock
    return next((d.due_at for d in clock.deadlines if d.step == clock.next_step), None)


@router.get("/cases")
def case_list(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.VIEW_CASES)
    db, settings = db_of(ctx.request), settings_of(ctx.request)
    deadlines = deadlines_from(settings)
    filters = _filters(ctx.request.query_params)
    everything = list_cases(db, actor, deadlines=deadlines)
    rows = [c for c in everything
            if (filters["status"] is None or c.status == filters["status"])
            and (filters["region"] is None or (c.region or "").lower() == filters["region"].lower())
            and (not filters["overdue"] or c.clock.overdue)]
    query = str(ctx.request.url.query)
    return page(ctx, "cases.html", rows=rows, regions=overdue_by_region(everything),
                region_choices=sorted({c.region for c in everything if c.region}),
                statuses=CASE_STATUSES, filters=filters, next_due=_next_due,
                csv_link="/cases/export.csv" + (f"?{query}" if query else ""))


def _csv_safe(value: Any) -> Any:
    """Scraped text opened in a spreadsheet must not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get("/cases/export.csv")
def case_csv(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    """The follow-up status of the filtered cases; UTF-8 with a BOM so spreadsheets read it."""
    actor = require(ctx, Right.VIEW_CASES)
    settings = settings_of(ctx.request)
    zone, _ = settings.get("web.timezone"), ctx.gettext
    found = export_follow_up(db_of(ctx.request), actor, deadlines=deadlines_from(settings),
                             **_filters(ctx.request.query_params))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Case"), _("Status"), _("Region"), _("Terlapor"), _("Handle"),
                     _("Posts"), _("Known since"), _("Next step"), _("Due by"), _("Overdue")])
    for case in found:
        writer.writerow([_csv_safe(v) for v in (
            case.id, _(word("case_status", case.status)), case.region or "", case.name,
            case.handle, case.posts, local_time(case.known_at, zone),
            _(word("case_step", case.clock.next_step)) if case.clock.next_step else "",
            local_time(_next_due(case), zone) if _next_due(case) else "",
            _("yes") if case.clock.overdue else _("no"))])
    body = "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="tindak-lanjut-kasus.csv"'})


def _case_page(ctx: WebContext, case_id: int, status: int = 200,
               error: str | None = None) -> Response:
    actor = require(ctx, Right.VIEW_CASES)
    settings = settings_of(ctx.request)
    record = show_case(db_of(ctx.request), actor, case_id, deadlines=deadlines_from(settings))
    zone = settings.get("web.timezone")
    today = datetime.now(ZoneInfo(zone)).date()
    return page(ctx, "case.html", status, case=record, error=error, steps=CASE_STEPS,
                today=today.isoformat(), recorded=ctx.request.query_params.get("recorded"))


@router.get("/cases/{case_id}")
def case_page(case_id: int, ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _case_page(ctx, case_id)


def _day(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(N_("not a date: {value} (use YYYY-MM-DD)"), value=value[:40]) from None


@router.post("/cases/{case_id}/step")
def case_step(case_id: int, ctx: Annotated[WebContext, Depends(page_user)],
              step: Annotated[str, Form()] = "", date: Annotated[str, Form()] = "",
              reference: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_CASES)
    settings = settings_of(ctx.request)
    db = db_of(ctx.request)
    show_case(db, actor, case_id, deadlines=deadlines_from(settings))  # 404 for an unknown case
    try:
        record_step(db, actor, case_id, step=step, on=_day(date), reference=reference or None,
                    note=note or None, deadlines=deadlines_from(settings),
                    zone=settings.get("web.timezone"))
    except InvalidInput as exc:
        return _case_page(ctx, case_id, 422, error=ctx.error_text(exc))
    return RedirectResponse(f"/cases/{case_id}?recorded={step}", status_code=303)
