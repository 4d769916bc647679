"""What every route needs: the database, the settings, the logged-in actor, the page language,
CSRF checks, and rendering a page with the security context filled in.

Routes are plain `def` functions: FastAPI runs them in its thread pool, so the blocking
database calls never stall the event loop.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from monitor.config import Settings
from monitor.i18n import LANGUAGES, gettext_for
from monitor.policy import Actor, Right, can, user_actor
from monitor.services.guard import require as require_right
from monitor.services.sessions import language_of, live_session
from monitor.web.templating import local_time, message_gettext, render, zone_label
from storage.db import Database
from storage.errors import TemplatedError
from storage.web_sessions import SessionInfo

__all__ = [
    "ANON_CSRF_COOKIE",
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "CsrfRejected",
    "LoginRequired",
    "WebContext",
    "anon_csrf_token",
    "check_anon_csrf",
    "check_csrf",
    "context",
    "data_user",
    "db_of",
    "page",
    "page_user",
    "require",
    "settings_of",
]

SESSION_COOKIE = "pantau_session"
LANG_COOKIE = "pantau_lang"
ANON_CSRF_COOKIE = "pantau_csrf"


class LoginRequired(Exception):
    """No live session: pages redirect to /login, data routes answer 401."""

    def __init__(self, *, data: bool) -> None:
        super().__init__("login required")
        self.data = data


class CsrfRejected(Exception):
    """A state-changing form without the right token."""


@dataclass(frozen=True)
class WebContext:
    request: Request
    language: str
    actor: Actor | None
    session: SessionInfo | None

    @property
    def gettext(self) -> Callable[[str], str]:
        return gettext_for(self.language, "web")

    def can(self, right: Right) -> bool:
        return self.actor is not None and can(self.actor, right)

    def error_text(self, error: TemplatedError) -> str:
        """A use case's message (or a configuration error's) in the page language: the web's own
        ids are in the web catalog, the use cases' and the settings' in the cli catalog."""
        return error.translated(message_gettext(self.language))


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def db_of(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def _live_session(request: Request) -> SessionInfo | None:
    token = request.cookies.get(SESSION_COOKIE) or ""
    return live_session(db_of(request), settings_of(request), token)


def _language(request: Request, info: SessionInfo | None) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    if info is not None:
        stored = language_of(db_of(request), info.user_id)
        if stored in LANGUAGES:
            return str(stored)
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGUAGES else "id"


def context(request: Request) -> WebContext:
    """The request's context, with or without a session (for public pages)."""
    cached = getattr(request.state, "web", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    info = _live_session(request)
    actor = user_actor(info.username, info.role, info.user_id) if info else None
    ctx = WebContext(request=request, language=_language(request, info), actor=actor,
                     session=info)
    request.state.web = ctx
    return ctx


def page_user(request: Request) -> WebContext:
    """Dependency of every page that needs a login: no session → redirect to /login."""
    ctx = context(request)
    if ctx.actor is None:
        raise LoginRequired(data=False)
    return ctx


def data_user(request: Request) -> WebContext:
    """Dependency of data routes (raw snapshots, attachments): no session → 401."""
    ctx = context(request)
    if ctx.actor is None:
        raise LoginRequired(data=True)
    return ctx


def require(ctx: WebContext, right: Right) -> Actor:
    """The actor, if its role has the right; else PermissionDenied (403 page)."""
    if ctx.actor is None:
        raise LoginRequired(data=False)
    require_right(ctx.actor, right)
    return ctx.actor


def check_csrf(ctx: WebContext, token: str | None) -> None:
    expected = ctx.session.csrf_token if ctx.session else None
    if not expected or not token or not hmac.compare_digest(expected, token):
        raise CsrfRejected()


def anon_csrf_token(request: Request) -> str:
    """The double-submit token of public forms: the cookie's value (made when absent)."""
    token = request.cookies.get(ANON_CSRF_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token
    token = getattr(request.state, "new_anon_csrf", None) or secrets.token_urlsafe(24)
    request.state.new_anon_csrf = token
    return token


def check_anon_csrf(request: Request, token: str | None) -> None:
    """Public forms: the session's token for a logged-in user, else the double-submit cookie."""
    ctx = context(request)
    if ctx.session is not None:
        check_csrf(ctx, token)
        return
    cookie = request.cookies.get(ANON_CSRF_COOKIE)
    if not cookie or not token or not hmac.compare_digest(cookie, token):
        raise CsrfRejected()


def page(ctx: WebContext, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """Render a page in the context's language, with what the layout needs."""
    settings = settings_of(ctx.request)
    zone = settings.get("web.timezone")
    csrf = ctx.session.csrf_token if ctx.session else anon_csrf_token(ctx.request)
    body = render(ctx.language, template, {
        "ctx": ctx, "lang": ctx.language, "actor": ctx.actor, "csrf_token": csrf,
        "Right": Right, "can": ctx.can, "zone": zone_label(zone),
        "when": lambda value, fmt="%d-%m-%Y %H:%M": local_time(value, zone, fmt),
        "path": ctx.request.url.path, **values})
    response = HTMLResponse(body, status_code=status)
    new_csrf = getattr(ctx.request.state, "new_anon_csrf", None)
    if new_csrf and ctx.session is None:
        response.set_cookie(ANON_CSRF_COOKIE, new_csrf, httponly=True, samesite="lax",
                            secure=ctx.request.app.state.secure_cookies, path="/")
    asked = ctx.request.query_params.get("lang")
    if asked in LANGUAGES and ctx.request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, str(asked), max_age=365 * 86400, samesite="lax",
                            httponly=True, secure=ctx.request.app.state.secure_cookies, path="/")
    return response
