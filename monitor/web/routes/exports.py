"""Exports from the web app: the queue's current filter as a bundle or CSV, built in the
background, its progress on a page that refreshes itself (no JavaScript needed), and the
download, audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import FileResponse, RedirectResponse, Response

from monitor.policy import Right
from monitor.services.exports import ExportFilter
from monitor.services.web_exports import WEB_FORMATS, download_export, export_job, start_export
from monitor.web.deps import WebContext, check_csrf, db_of, page, page_user, require, settings_of
from monitor.web.routes.queue import parse_filters

__all__ = ["router"]

router = APIRouter()
REFRESH_SECONDS = 2


@router.post("/exports")
def export_start(ctx: Annotated[WebContext, Depends(page_user)],
                 csrf_token: Annotated[str, Form()] = "", format: Annotated[str, Form()] = "",
                 status: Annotated[str, Form()] = "", platform: Annotated[str, Form()] = "",
                 source: Annotated[str, Form()] = "", region: Annotated[str, Form()] = "",
                 category: Annotated[str, Form()] = "", min_score: Annotated[str, Form()] = "",
                 max_score: Annotated[str, Form()] = "", since: Annotated[str, Form()] = "",
                 until: Annotated[str, Form()] = "") -> Response:
    """The queue's filter as the export's (all but the text search); `since`/`until` are the
    queue's posted-between days."""
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.EXPORT)
    settings = settings_of(ctx.request)
    queue = parse_filters({"status": status, "platform": platform, "source": source,
                           "region": region, "category": category, "min_score": min_score,
                           "max_score": max_score, "since": since, "until": until},
                          settings.get("web.timezone"))
    flt = ExportFilter(status=queue.status, region=queue.region, platform=queue.platform,
                       source=queue.source, category=queue.category, min_score=queue.min_score,
                       max_score=queue.max_score, posted_since=queue.since,
                       posted_until=queue.until)
    job = start_export(db_of(ctx.request), settings, actor, format, flt)
    return RedirectResponse(f"/exports/{job.id}", status_code=303)


@router.get("/exports/{job_id}")
def export_page(job_id: int, ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.EXPORT)
    job = export_job(db_of(ctx.request), actor, job_id)
    waiting = job.status in ("queued", "running")
    return page(ctx, "export.html", job=job, refresh=REFRESH_SECONDS if waiting else None,
                formats=WEB_FORMATS)


@router.get("/exports/{job_id}/download")
def export_download(job_id: int, ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    actor = require(ctx, Right.EXPORT)
    found = download_export(db_of(ctx.request), settings_of(ctx.request), actor, job_id)
    return FileResponse(found.path, media_type=found.media_type, filename=found.file_name,
                        headers={"Content-Security-Policy": "default-src 'none'; sandbox",
                                 "Cache-Control": "no-store"})
