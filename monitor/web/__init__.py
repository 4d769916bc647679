"""Pantau's web app (FastAPI + Jinja2, server-rendered): login and sessions, the review queue,
item pages with decisions and holds, the dashboard, administration, the confidential channel
(/lapor) and public statistics — all in one factory, `create_app`."""

from monitor.web.app import create_app

__all__ = ["create_app"]
