"""The data team's labeling page: one post at a time from the labeling queue, labeled 0/1."""

from __future__ import annotations

import random
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.errors import N_, InvalidInput, NotFound
from monitor.policy import Right
from monitor.services.labels import next_items, set_label
from monitor.web.deps import WebContext, check_csrf, db_of, page, page_user, require, settings_of
from storage.records import CATEGORIES, HARD_CASES

__all__ = ["router"]

router = APIRouter()


def _label_page(ctx: WebContext, status: int = 200, error: str | None = None) -> Response:
    actor = require(ctx, Right.LABEL)
    items = next_items(db_of(ctx.request), actor, 1,
                       random_share=settings_of(ctx.request).get("label.random_share"),
                       rng=random.Random())
    return page(ctx, "label.html", status, item=items[0] if items else None, error=error,
                categories=CATEGORIES, hard_cases=HARD_CASES,
                done=ctx.request.query_params.get("labeled"))


@router.get("/label")
def label_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _label_page(ctx)


def _post_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(N_("no post with id {id}"), id=value[:40]) from None


@router.post("/label")
def label_submit(ctx: Annotated[WebContext, Depends(page_user)],
                 post_id: Annotated[str, Form()] = "", label: Annotated[str, Form()] = "",
                 category: Annotated[str, Form()] = "", hard_case: Annotated[str, Form()] = "",
                 sampled_as: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.LABEL)
    try:
        if label not in ("0", "1"):
            raise InvalidInput(N_("label must be 0 or 1"))
        chosen = int(label)
        set_label(db_of(ctx.request), actor, _post_id(post_id), chosen,
                  category=(category or None) if chosen == 1 else None,
                  hard_case=(hard_case or None) if chosen == 0 else None,
                  sampled_as=sampled_as or "chosen")
    except (InvalidInput, NotFound) as exc:
        return _label_page(ctx, 422, error=ctx.error_text(exc))
    return RedirectResponse(f"/label?labeled={int(post_id)}", status_code=303)
