"""`create_app(...)`: the one FastAPI factory — health, metrics and the review web app.

Only the public routes of interfaces.md §6 answer without a session (/login, /lapor,
/lapor/status, /statistik, /static, /healthz; /metrics for loopback or a bearer token); every
other route depends on `page_user`/`data_user`, which redirect to /login or answer 401.
Every response carries a strict Content-Security-Policy: no inline scripts, nothing from other
hosts; raw snapshots get a sandboxing policy of their own.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from monitor.config import VERSION, Settings
from monitor.errors import ServiceError
from monitor.first_admin import announce_first_admin
from monitor.metrics import Metrics, read_gauges, render
from monitor.services.dashboard import Dashboards
from monitor.services.queue import QueueCaches
from monitor.web.auth import is_loopback, secure_cookies
from monitor.web.deps import CsrfRejected, LoginRequired, context, page
from monitor.web.routes import ROUTERS
from storage.db import Database

__all__ = ["PAGE_CSP", "PROMETHEUS_CONTENT_TYPE", "PUBLIC_PATHS", "create_app",
           "route_table"]

log = logging.getLogger(__name__)
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-src 'self'; frame-ancestors 'none'")
# Served without a session (interfaces.md §6); tests check that nothing else is.
PUBLIC_PATHS = frozenset({"/login", "/lapor", "/lapor/status", "/statistik", "/healthz",
                          "/metrics", "/static"})
_QUIET_PATHS = ("/lapor",)  # never in the access log: a reporter's address is not recorded


class _NoReporterAccessLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not any(isinstance(a, str) and a.startswith(_QUIET_PATHS) for a in args)


def _ping(db: Database) -> None:
    with db.reader() as session:
        session.execute(text("SELECT 1"))


def _headers(response: Response, request: Request) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", PAGE_CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.url.path.startswith("/static"):
        headers.setdefault("Cache-Control", "no-store")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if exc.data:
            return JSONResponse({"error": "login required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        ctx = await asyncio.to_thread(context, request)
        return await asyncio.to_thread(page, ctx, "error.html", 403, message=ctx.gettext(
            "This form has expired or did not come from Pantau. Go back, reload the page and "
            "try again."))

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        ctx = await asyncio.to_thread(context, request)
        return await asyncio.to_thread(page, ctx, "error.html", exc.http_status,
                                       message=ctx.error_text(exc))


def _metrics_allowed(request: Request, settings: Settings) -> bool:
    token = str(settings.get("web.metrics_token") or "")
    given = request.headers.get("authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return is_loopback(request.client.host if request.client else None)


def route_table(app: FastAPI) -> list[Any]:
    """Every route of the app, routers flattened (FastAPI keeps included routers as one entry)."""
    out: list[Any] = []
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        out.extend(route_table(inner) if inner is not None else [route])
    return out


def create_app(settings: Settings, *, db: Database, metrics: Metrics | None = None,
               first_admin: bool = True, warm: bool = True) -> FastAPI:
    """The web app of one process; `metrics` is the scheduler's counters (None under `serve`).
    With `first_admin`, start-up creates the first administrator on a database without users;
    with `warm`, it computes the dashboard's aggregates in the background."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if first_admin:
            await asyncio.to_thread(announce_first_admin, db)
        if warm:
            app.state.dashboards.warm()  # the first /dashboard after start-up need not wait
            app.state.queue_caches.warm()
        yield

    app = FastAPI(title="Pantau", version=VERSION, docs_url=None, redoc_url=None,
                  openapi_url=None, lifespan=lifespan)
    app.state.settings, app.state.db, app.state.metrics = settings, db, metrics
    app.state.secure_cookies = secure_cookies(settings)
    app.state.queue_caches = QueueCaches.for_database(db)
    app.state.dashboards = Dashboards.for_database(db, settings.get("web.timezone"))
    logging.getLogger("uvicorn.access").addFilter(_NoReporterAccessLog())

    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        _headers(response, request)
        return response

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers; 503 otherwise (for load balancers and systemd checks)."""
        try:
            await asyncio.to_thread(_ping, db)
        except Exception as exc:  # noqa: BLE001 — any database failure means "not healthy", with the reason
            return JSONResponse({"status": "error", "database": str(exc)[:300]}, status_code=503)
        body: dict[str, Any] = {"status": "ok", "version": VERSION,
                                "scheduler": metrics is not None}
        return JSONResponse(body)

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        if not _metrics_allowed(request, settings):
            return JSONResponse({"error": "a bearer token is required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        gauges = await asyncio.to_thread(read_gauges, db)
        return PlainTextResponse(render(metrics, gauges), media_type=PROMETHEUS_CONTENT_TYPE)

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("monitor.web", "static")]), name="static")
    _handlers(app)
    return app
