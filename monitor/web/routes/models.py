"""The data team's model pages: /models (versions, the active one, promote and roll back) and
/models/{version} (the candidate's report). Promotion and rollback go through the models use
cases; the re-scoring they start runs in a background thread while the app keeps answering."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.errors import Conflict, ServiceError
from monitor.jobs.nodes import node_id
from monitor.policy import Right
from monitor.services import models
from monitor.web.deps import WebContext, check_csrf, db_of, page, page_user, require, settings_of
from monitor.web.model_report_view import charts

__all__ = ["router"]

router = APIRouter()


def _models_page(ctx: WebContext, status: int = 200, error: str | None = None,
                 reasons: list[str] | None = None) -> Response:
    actor = require(ctx, Right.VIEW_MODELS)
    data = models.model_page(db_of(ctx.request), actor, settings_of(ctx.request))
    return page(ctx, "models.html", status, error=error, reasons=reasons or [], **data)


@router.get("/models")
def models_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _models_page(ctx)


def _rescore_in_background(ctx: WebContext) -> None:
    db, settings = db_of(ctx.request), settings_of(ctx.request)
    threading.Thread(target=models.rescore, args=(db, settings, node_id()), daemon=True,
                     name="rescore").start()


@router.post("/models/rollback")
def model_rollback(ctx: Annotated[WebContext, Depends(page_user)],
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.PROMOTE)
    try:
        models.rollback(db_of(ctx.request), actor, settings_of(ctx.request))
    except ServiceError as exc:
        return _models_page(ctx, exc.http_status, error=ctx.error_text(exc))
    _rescore_in_background(ctx)
    return RedirectResponse("/models", status_code=303)


@router.post("/models/{version}/promote")
def model_promote(ctx: Annotated[WebContext, Depends(page_user)], version: str,
                  force: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.PROMOTE)
    try:
        models.promote(db_of(ctx.request), actor, settings_of(ctx.request), version,
                       force=bool(force), reason=reason.strip() or None)
    except models.Refused as exc:
        lines = [ctx.error_text(Conflict(t, **v)) for t, v in exc.reasons]
        return _models_page(ctx, 409, error=ctx.error_text(exc), reasons=lines)
    except ServiceError as exc:
        return _models_page(ctx, exc.http_status, error=ctx.error_text(exc))
    _rescore_in_background(ctx)
    return RedirectResponse("/models", status_code=303)


@router.get("/models/{version}")
def model_report(ctx: Annotated[WebContext, Depends(page_user)], version: str) -> Response:
    actor = require(ctx, Right.VIEW_MODELS)
    entry, row = models.get_model(db_of(ctx.request), actor, version)
    report = row.report or None
    return page(ctx, "model.html", entry=entry, report=report,
                charts=charts(report, ctx.gettext) if report else {})
