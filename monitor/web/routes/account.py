"""Sign in, sign out, and the user's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from monitor.errors import InvalidInput
from monitor.i18n import LANGUAGES
from monitor.services.sessions import choose_language, login, logout
from monitor.services.users import change_own_password
from monitor.web.deps import (
    SESSION_COOKIE,
    WebContext,
    check_anon_csrf,
    check_csrf,
    context,
    db_of,
    page,
    page_user,
    settings_of,
)

__all__ = ["router", "safe_next"]

router = APIRouter()


def safe_next(value: str | None) -> str:
    """Where to go after logging in: only a path on this site (never //host or a scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/queue"
    return value


@router.get("/")
def home(request: Request) -> Response:
    ctx = context(request)
    return RedirectResponse("/queue" if ctx.actor else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    ctx = context(request)
    if ctx.actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(ctx, "login.html", next=safe_next(next))


@router.post("/login")
def login_submit(request: Request, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/queue") -> Response:
    check_anon_csrf(request, csrf_token)
    ctx = context(request)
    address = request.client.host if request.client else "unknown"
    result = login(db_of(request), settings_of(request), username, password, address)
    if result.token is None:
        _ = ctx.gettext
        message = (_("Too many failed logins. Wait 15 minutes and try again.") if result.locked
                   else _("Wrong user name or password."))
        return page(ctx, "login.html", 429 if result.locked else 401, error=message,
                    next=safe_next(next), username=username[:100])
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, path="/",
                        max_age=int(settings_of(request).get("web.session_max")))
    return response


@router.post("/logout")
def logout_submit(ctx: Annotated[WebContext, Depends(page_user)],
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    logout(db_of(ctx.request), ctx.actor, ctx.request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/language")
def set_language(ctx: Annotated[WebContext, Depends(page_user)],
                 language: Annotated[str, Form()] = "id",
                 csrf_token: Annotated[str, Form()] = "",
                 back: Annotated[str, Form()] = "/queue") -> Response:
    check_csrf(ctx, csrf_token)
    assert ctx.session is not None
    chosen = language if language in LANGUAGES else "id"
    choose_language(db_of(ctx.request), ctx.session.user_id, chosen)
    response = RedirectResponse(safe_next(back), status_code=303)
    response.set_cookie("pantau_lang", chosen, max_age=365 * 86400, samesite="lax", httponly=True,
                        secure=ctx.request.app.state.secure_cookies, path="/")
    return response


@router.get("/account")
def account_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return page(ctx, "account.html")


@router.post("/account/password")
def change_password(ctx: Annotated[WebContext, Depends(page_user)],
                    current_password: Annotated[str, Form()] = "",
                    new_password: Annotated[str, Form()] = "",
                    new_password_again: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """The user's own password; every other session of theirs ends, this one stays."""
    check_csrf(ctx, csrf_token)
    assert ctx.actor is not None
    _ = ctx.gettext
    if new_password != new_password_again:
        return page(ctx, "account.html", 422, error=_("The two new passwords differ."))
    try:
        change_own_password(db_of(ctx.request), ctx.actor, current_password, new_password,
                            keep_token=ctx.request.cookies.get(SESSION_COOKIE, ""))
    except InvalidInput as exc:
        return page(ctx, "account.html", 422, error=ctx.error_text(exc))
    return page(ctx, "account.html", done=_("Your password has been changed. Your other "
                                            "sessions have been signed out."))
