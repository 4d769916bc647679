"""Enabling and disabling a source from the web's administration page."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Source

__all__ = ["set_source_enabled"]


def set_source_enabled(session: Session, name: str, enabled: bool) -> bool:
    """True when a source with this name exists (and now has this state)."""
    result = session.execute(update(Source).where(Source.name == name).values(enabled=enabled))
    return bool(getattr(result, "rowcount", 0))
