"""`create_app(...)`: the one FastAPI factory. Routes stay thin; they call storage and metrics.

The review UI (web issue) adds its routers here, in `create_app`, beside the two below.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

from monitor.config import VERSION, Settings
from monitor.metrics import Metrics, read_gauges, render
from storage.db import Database

__all__ = ["create_app", "PROMETHEUS_CONTENT_TYPE"]

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _ping(db: Database) -> None:
    with db.reader() as session:
        session.execute(text("SELECT 1"))


def create_app(settings: Settings, *, db: Database, metrics: Metrics | None = None) -> FastAPI:
    """The web app of one process; `metrics` is the scheduler's counters (None under `serve`)."""
    app = FastAPI(title="Pantau", version=VERSION, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings, app.state.db, app.state.metrics = settings, db, metrics

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers; 503 otherwise (for load balancers and systemd checks)."""
        try:
            await asyncio.to_thread(_ping, db)
        except Exception as exc:  # any database failure means "not healthy", with the reason
            return JSONResponse({"status": "error", "database": str(exc)[:300]}, status_code=503)
        body: dict[str, Any] = {"status": "ok", "version": VERSION,
                                "scheduler": metrics is not None}
        return JSONResponse(body)

    @app.get("/metrics")
    async def prometheus() -> PlainTextResponse:
        gauges = await asyncio.to_thread(read_gauges, db)
        return PlainTextResponse(render(metrics, gauges), media_type=PROMETHEUS_CONTENT_TYPE)

    return app
