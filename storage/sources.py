"""Source rows: what each source is (its definition) and how it is doing (its health).

A removed source keeps its row, disabled and marked `removed_at`, so its posts (evidence,
confirmed violations among them) stay listed under its name; adding a source of that name again
revives the row. Rules (who may, what the config may change) live in monitor/services/sources.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import N_, DuplicateRow, SourceNotFound
from storage.models import Source
from storage.stored_errors import text_in_language

__all__ = ["SourceDefinition", "SourceRow", "find_source", "list_sources", "insert_source",
           "redefine_source", "set_source_enabled", "mark_source_removed", "count_sources",
           "source_names"]


@dataclass(frozen=True)
class SourceDefinition:
    """What a person or pantau.toml decides about a source (bound to the audit chain)."""

    name: str
    type: str
    url: str
    interval_seconds: float
    region: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    origin: str = "cli"
    asn_status: str = "unknown"


_DEFINED = ("type", "url", "interval_seconds", "region", "options", "origin", "asn_status")


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    type: str
    url: str
    interval_seconds: float
    region: str | None
    options: dict[str, Any]
    enabled: bool
    origin: str
    asn_status: str
    created_at: datetime
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    posts_collected: int
    next_run_at: datetime | None
    removed_at: datetime | None
    last_error_template: str | None = None
    last_error_params: dict[str, Any] | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def last_error_in(self, gettext: Callable[[str], str] | None) -> str | None:
        """`last_error` in the language of `gettext`: a scraper's error translated from its
        stored template, any other text as it is (storage.stored_errors)."""
        return text_in_language(self.last_error, self.last_error_template,
                                self.last_error_params, gettext)


def _row(source: Source) -> SourceRow:
    values = {f.name: getattr(source, f.name) for f in fields(SourceRow)}
    values["options"] = dict(source.options or {})
    return SourceRow(**values)


def _get(session: Session, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise SourceNotFound(N_("no source named {name!r}"), name=name)
    return source


def find_source(session: Session, name: str) -> SourceRow | None:
    source = session.scalar(select(Source).where(Source.name == name))
    return None if source is None else _row(source)


def list_sources(session: Session, *, include_removed: bool = False) -> list[SourceRow]:
    query = select(Source).order_by(Source.name)
    if not include_removed:
        query = query.where(Source.removed_at.is_(None))
    return [_row(s) for s in session.scalars(query)]


def source_names(session: Session) -> dict[str, bool]:
    """{name: enabled} of the sources that are not removed."""
    rows = session.execute(select(Source.name, Source.enabled).where(Source.removed_at.is_(None)))
    return {name: bool(enabled) for name, enabled in rows}


def count_sources(session: Session) -> int:
    query = select(func.count()).select_from(Source).where(Source.removed_at.is_(None))
    return int(session.scalar(query) or 0)


def insert_source(session: Session, definition: SourceDefinition, *, now: datetime) -> SourceRow:
    if session.scalar(select(Source.id).where(Source.name == definition.name)) is not None:
        raise DuplicateRow(N_("a source named {name!r} already exists"), name=definition.name)
    source = Source(name=definition.name, enabled=True, cursor={}, created_at=now,
                    consecutive_failures=0, posts_collected=0,
                    **{k: _value(definition, k) for k in _DEFINED})
    session.add(source)
    session.flush()
    return _row(source)


def _value(definition: SourceDefinition, key: str) -> Any:
    value = getattr(definition, key)
    return dict(value or {}) if key == "options" else value


def redefine_source(session: Session, definition: SourceDefinition, *,
                    enabled: bool = True) -> tuple[SourceRow, bool]:
    """Bring the named row to this definition (reviving it if removed). Returns (row, changed);
    a new target (type, url, options) starts from an empty cursor."""
    source = _get(session, definition.name)
    wanted = {k: _value(definition, k) for k in _DEFINED} | {"enabled": enabled,
                                                            "removed_at": None}
    changed = any(getattr(source, k) != v for k, v in wanted.items())
    if any(getattr(source, k) != wanted[k] for k in ("type", "url", "options")):
        source.cursor, source.next_run_at = {}, None
    for key, value in wanted.items():
        setattr(source, key, value)
    session.flush()
    return _row(source), changed


def set_source_enabled(session: Session, name: str, enabled: bool) -> SourceRow:
    source = _get(session, name)
    source.enabled = enabled
    session.flush()
    return _row(source)


def mark_source_removed(session: Session, name: str, *, now: datetime) -> SourceRow:
    """Disable the source for good; its row (and so its posts' attribution) stays."""
    source = _get(session, name)
    source.enabled, source.removed_at, source.next_run_at = False, now, None
    session.flush()
    return _row(source)
