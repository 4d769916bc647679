"""Pantau's web app (FastAPI): health and metrics now; the review UI joins the same factory."""

from monitor.web.app import create_app

__all__ = ["create_app"]
