"""One review item: the evidence, the hold, the decision form; decisions through the use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.errors import N_, Conflict, InvalidInput
from monitor.policy import Right
from monitor.services.holds import break_hold, check_not_held, release
from monitor.services.items import item_view, raw_snapshot
from monitor.services.queue import neighbours
from monitor.services.review import decide, show
from monitor.web.deps import (
    WebContext,
    check_csrf,
    data_user,
    db_of,
    page,
    page_user,
    require,
    settings_of,
)
from monitor.web.mobilisation import mobilisation_roles
from monitor.web.snapshot_text import readable
from storage.records import CATEGORIES
from storage.reviews import DECISIONS

__all__ = ["router"]

router = APIRouter()


def _item_page(ctx: WebContext, review_id: int, status: int = 200, error: str | None = None,
               hold_for_me: bool = True) -> Response:
    actor = require(ctx, Right.VIEW_QUEUE)
    view = item_view(db_of(ctx.request), actor, review_id, hold=hold_for_me)
    detail = view.detail
    texts = {sid: readable(b.body, b.content_type) for sid, b in view.bodies.items()}
    terms = [term for score in detail.scores[:1] for term, _w in score.explanation]
    predicted = detail.scores[0].category if detail.scores else None
    author = detail.author
    mobilisation = mobilisation_roles(detail.category or predicted, author.name, author.handle,
                                      author.bio) if author else None
    return page(ctx, "item.html", status, item=detail, hold=view.hold, snapshots=view.snapshots,
                snapshot_texts=texts, others=view.others, source_asn=view.source_asn,
                terms=terms, predicted=predicted, previous=view.previous,
                following=view.following, error=error, categories=CATEGORIES,
                decisions=DECISIONS, mobilisation=mobilisation, same_text=view.same_text,
                decided=ctx.request.query_params.get("decided"),
                decided_as=ctx.request.query_params.get("as"))


@router.get("/items/{review_id}")
def item_page(review_id: int, ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _item_page(ctx, review_id)


def _version(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(N_("version must be a whole number")) from None


@router.post("/items/{review_id}/decision")
def decision_submit(review_id: int, ctx: Annotated[WebContext, Depends(page_user)],
                    decision: Annotated[str, Form()] = "", category: Annotated[str, Form()] = "",
                    note: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.DECIDE)
    db = db_of(ctx.request)
    before = show(db, actor, review_id)
    if decision == "confirmed" and not category and before.status == "pending":
        raise InvalidInput(N_("choose the KASN category of the violation"))
    try:
        check_not_held(db, actor, review_id, settings_of(ctx.request).get("web.timezone"))
        done = decide(db, actor, review_id, decision=decision, category=category or None,
                      note=note[:4000] or None, expected_version=_version(version),
                      second_review=settings_of(ctx.request).get("review.second_review"))
    except Conflict as exc:
        return _item_page(ctx, review_id, 409, error=ctx.error_text(exc), hold_for_me=False)
    release(db, actor, review_id)
    _prev, following = neighbours(db, actor, review_id, before.status)
    target = f"/items/{following}" if following else "/queue"
    return RedirectResponse(f"{target}?decided={review_id}&as={done.status}", status_code=303)


@router.post("/items/{review_id}/hold")
def hold_takeover(review_id: int, ctx: Annotated[WebContext, Depends(page_user)],
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.BREAK_HOLD)
    show(db_of(ctx.request), actor, review_id)  # 404 for an unknown item
    break_hold(db_of(ctx.request), actor, review_id)
    return RedirectResponse(f"/items/{review_id}", status_code=303)


@router.get("/items/{review_id}/snapshots/{snapshot_id}")
def snapshot_raw(review_id: int, snapshot_id: int,
                 ctx: Annotated[WebContext, Depends(data_user)]) -> Response:
    """The raw capture as plain text under a sandboxing policy: never rendered, never run."""
    actor = require(ctx, Right.VIEW_QUEUE)
    body = raw_snapshot(db_of(ctx.request), actor, review_id, snapshot_id)
    if body is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(body.body, media_type="text/plain; charset=utf-8", headers={
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Content-Disposition": f'inline; filename="snapshot-{snapshot_id}.txt"'})
