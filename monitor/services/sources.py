"""Sources: add, remove, enable/disable, list, and applying pantau.toml.

Removing a source keeps its row (disabled, marked removed) so its posts stay listed under its
name. A source declared in pantau.toml cannot be removed or disabled from the command line —
the next start would declare it again — so that is refused with the way to do it: remove it from
pantau.toml, after which it is disabled (`sync_config`). Each change binds the sources row to
its audit entry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.config import ConfigError, Settings, SourceSpec
from monitor.errors import N_, Conflict, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require
from monitor.sources import SourceError, definition_of
from storage.audit import append_audit
from storage.bindings import row_binding
from storage.db import Database
from storage.sources import (
    SourceRow,
    find_source,
    insert_source,
    mark_source_removed,
    redefine_source,
    set_source_enabled,
)
from storage.sources import (
    list_sources as stored_sources,
)

__all__ = ["SourceRow", "CONFIG_ACTOR", "add_source", "remove_source", "set_enabled",
           "list_sources", "sync_config"]

CONFIG_ACTOR = "config"


def _audit(session: Session, actor: str, action: str, rows: list[SourceRow],
           details: dict[str, object], entity_id: str | None = None) -> None:
    append_audit(session, actor=actor, action=action, entity="source", entity_id=entity_id,
                 details={**details, "rows": [row_binding(session, "sources", r.id) for r in rows]})


def add_source(db: Database, actor: Actor, spec: SourceSpec, settings: Settings, *,
               base: Path | None = None) -> SourceRow:
    """A new source (or a removed one of that name, revived with this definition)."""
    require(actor, Right.MANAGE_SOURCES)
    definition = definition_of(spec, settings, base=base or Path.cwd())
    with db.session() as session:
        existing = find_source(session, spec.name)
        if existing is not None and not existing.removed:
            raise Conflict(N_("a source named {name!r} already exists"), name=spec.name)
        if existing is None:
            row = insert_source(session, definition, now=datetime.now(UTC))
        else:
            row, _ = redefine_source(session, definition)
        _audit(session, actor.name, "source.add", [row], {
            "type": row.type, "url": row.url, "interval": row.interval_seconds,
            "revived": existing is not None}, entity_id=row.name)
    return row


def _active(session: Session, name: str) -> SourceRow:
    row = find_source(session, name)
    if row is None or row.removed:
        raise NotFound(N_("no source named {name!r} (see `pantau sources list`)"), name=name)
    return row


_FROM_CONFIG = {
    "remove": N_("source {name!r} is declared in pantau.toml: to remove it, remove it from "
                 "pantau.toml (it is then disabled, its posts kept)"),
    "switch": N_("source {name!r} is declared in pantau.toml: to disable it, remove it from "
                 "pantau.toml (it is then disabled, its posts kept)"),
}


def _not_from_config(row: SourceRow, what: str) -> None:
    if row.origin == "config":
        raise InvalidInput(_FROM_CONFIG[what], name=row.name)


def remove_source(db: Database, actor: Actor, name: str) -> SourceRow:
    """Disable the source for good; its posts and snapshots stay, listed under its name."""
    require(actor, Right.MANAGE_SOURCES)
    with db.session() as session:
        row = _active(session, name)
        _not_from_config(row, "remove")
        removed = mark_source_removed(session, name, now=datetime.now(UTC))
        _audit(session, actor.name, "source.remove", [removed], {}, entity_id=name)
    return removed


def set_enabled(db: Database, actor: Actor, name: str, enabled: bool) -> SourceRow:
    require(actor, Right.MANAGE_SOURCES)
    with db.session() as session:
        row = _active(session, name)
        _not_from_config(row, "switch")
        changed = set_source_enabled(session, name, enabled)
        _audit(session, actor.name, "source.enable" if enabled else "source.disable", [changed],
               {}, entity_id=name)
    return changed


def list_sources(db: Database, actor: Actor, *, include_removed: bool = False) -> list[SourceRow]:
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        return stored_sources(session, include_removed=include_removed)


def _declare(session: Session, spec: SourceSpec, settings: Settings,
             base: Path) -> tuple[SourceRow, str] | None:
    try:
        definition = definition_of(spec, settings, base=base, origin="config")
    except SourceError as exc:
        raise ConfigError(N_("{path}: source {name!r}: {error}"), path=settings.config_path,
                          name=spec.name, error=exc.as_message()) from None
    existing = find_source(session, spec.name)
    if existing is None:
        return insert_source(session, definition, now=datetime.now(UTC)), f"added {spec.name}"
    if existing.origin != "config" and not existing.removed:
        return None  # a source added on the command line keeps its own definition
    row, changed = redefine_source(session, definition)
    return (row, f"updated {spec.name}") if changed else None


def sync_config(db: Database, settings: Settings) -> list[str]:
    """Make the database match pantau.toml's [[sources]], as the actor `config`; returns what
    changed. A config source no longer declared is disabled (never deleted)."""
    base = settings.config_path.parent if settings.config_path else Path.cwd()
    declared = {spec.name: spec for spec in settings.sources}
    changes: list[str] = []
    rows: list[SourceRow] = []
    with db.session() as session:
        for spec in declared.values():
            outcome = _declare(session, spec, settings, base)
            if outcome is not None:
                rows.append(outcome[0])
                changes.append(outcome[1])
        for row in stored_sources(session):
            if row.origin == "config" and row.name not in declared and row.enabled:
                rows.append(set_source_enabled(session, row.name, False))
                changes.append(f"disabled {row.name} (no longer in {settings.config_path})")
        if changes:
            _audit(session, CONFIG_ACTOR, "source.sync", rows, {"changes": changes})
    return changes
