"""Pantau's web app (FastAPI + Jinja2, server-rendered): login and sessions, the review queue,
item pages with decisions and holds, the dashboard, administration, the confidential channel
(/lapor) and public statistics — all in one factory, `create_app`.

`create_app` is imported on first use, so the evidence reports can use the app's words
(`monitor.web.words`, `monitor.web.mobilisation`) without loading the app and its routes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from monitor.web.app import create_app

        return create_app
    raise AttributeError(f"module 'monitor.web' has no attribute {name!r}")
