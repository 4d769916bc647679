"""/lapor: a civil servant pressured to campaign reports it, without an account.

No address or user agent is stored with a report (the access log skips these paths, and the
rate limit keeps only keyed hashes in memory); the reporter gets a follow-up code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from monitor.errors import InvalidInput
from monitor.services.confidential import Attachment, receive, status_of
from monitor.web.deps import check_anon_csrf, context, db_of, page, settings_of
from monitor.web.ratelimit import RateLimit

__all__ = ["router"]

router = APIRouter()
FORM_OVERHEAD = 200_000  # bytes of form fields allowed beside the attachment


def _limiter(request: Request, name: str, per_hour: int) -> RateLimit:
    limits = getattr(request.app.state, "rate_limits", None)
    if limits is None:
        limits = request.app.state.rate_limits = {}
    if name not in limits:
        limits[name] = RateLimit(per_hour, 3600.0)
    return limits[name]  # type: ignore[no-any-return]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/lapor")
def lapor_form(request: Request) -> Response:
    return page(context(request), "lapor.html", values={},
                max_mb=settings_of(request).get("web.report_max_bytes") / 1_000_000)


@router.post("/lapor")
async def lapor_submit(request: Request) -> Response:
    """Parsed by hand so the size limit applies before the body is read into memory."""
    settings = settings_of(request)
    limit = int(settings.get("web.report_max_bytes"))
    declared = request.headers.get("content-length", "")
    ctx = context(request)
    _ = ctx.gettext
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        return page(ctx, "lapor.html", 413, values={}, max_mb=limit / 1_000_000,
                    error=_("The attachment is too large."))
    form = await request.form(max_files=1, max_fields=20)
    check_anon_csrf(request, str(form.get("csrf_token") or ""))
    values = {k: str(form.get(k) or "") for k in ("instructed_by", "position", "when", "where",
                                                  "what", "links")}
    if not _limiter(request, "lapor", int(settings.get("web.report_rate"))).allow(_address(request)):
        return page(ctx, "lapor.html", 429, values=values, max_mb=limit / 1_000_000,
                    error=_("Too many reports from this connection. Please try again in an hour."))
    upload = form.get("attachment")
    attachment = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(limit + 1)
        if len(data) > limit:
            return page(ctx, "lapor.html", 413, values=values, max_mb=limit / 1_000_000,
                        error=_("The attachment is too large."))
        attachment = Attachment(upload.filename, data)
    fields = {"instructed_by": values["instructed_by"], "position": values["position"],
              "occurred": values["when"], "place": values["where"], "what": values["what"],
              "links": values["links"]}
    try:
        code = receive(db_of(request), fields, attachment)
    except InvalidInput as exc:
        return page(ctx, "lapor.html", 422, values=values, max_mb=limit / 1_000_000,
                    error=ctx.error_text(exc))
    return page(ctx, "lapor_done.html", code=code)


@router.get("/lapor/status")
def status_form(request: Request) -> Response:
    return page(context(request), "lapor_status.html", result=None)


@router.post("/lapor/status")
def status_check(request: Request, code: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    check_anon_csrf(request, csrf_token)
    ctx = context(request)
    if not _limiter(request, "lapor_status", 30).allow(_address(request)):
        return page(ctx, "lapor_status.html", 429, result=None,
                    error=ctx.gettext("Too many checks from this connection. Please try again "
                                      "in an hour."))
    found = status_of(db_of(request), code)
    if found is None:
        return page(ctx, "lapor_status.html", 404, result=None,
                    error=ctx.gettext("No report has this code. Check it and try again."))
    return page(ctx, "lapor_status.html", result=found)
