"""Confidential reports for leads and administrators; every access is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.policy import Right
from monitor.services.confidential import report, reports, update_status
from monitor.web.deps import WebContext, check_csrf, data_user, db_of, page, page_user, require
from storage.reports import REPORT_STATUSES

__all__ = ["router"]

router = APIRouter()


@router.get("/reports")
def report_list(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.VIEW_REPORTS)
    return page(ctx, "reports.html", rows=reports(db_of(ctx.request), actor))


@router.get("/reports/{report_id}")
def report_page(report_id: int, ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.VIEW_REPORTS)
    return page(ctx, "report.html", report=report(db_of(ctx.request), actor, report_id),
                statuses=REPORT_STATUSES)


@router.get("/reports/{report_id}/attachment")
def report_attachment(report_id: int, ctx: Annotated[WebContext, Depends(data_user)]) -> Response:
    """Downloaded, never rendered in Pantau's origin."""
    actor = require(ctx, Right.VIEW_REPORTS)
    found = report(db_of(ctx.request), actor, report_id, part="attachment")
    if found.attachment is None:
        return Response("no attachment", status_code=404, media_type="text/plain")
    return Response(found.attachment, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{found.attachment_name or "lampiran"}"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.post("/reports/{report_id}/status")
def report_status_update(report_id: int, ctx: Annotated[WebContext, Depends(page_user)],
                         status: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                         csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.VIEW_REPORTS)
    update_status(db_of(ctx.request), actor, report_id, status, note.strip()[:2000] or None)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)
