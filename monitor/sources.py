"""Configured sources: rows in the database, declared by `pantau sources add` or pantau.toml.

pantau.toml is synced into the database at start-up (origin "config"), so every node of a
multi-machine deployment sees the same sources and their shared cursor and health.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from sqlalchemy import select

from monitor.config import ConfigError, Settings, SourceSpec
from scrapers import ADAPTERS
from storage.audit import append_audit
from storage.db import Database
from storage.models import Source

__all__ = ["SourceError", "add_source", "remove_source", "list_sources", "sync_config_sources",
           "resolve_url", "source_health"]


class SourceError(ValueError):
    """A source that cannot be added or found; the message is for the user."""


def resolve_url(url: str, base: Path) -> str:
    """`file:relative/path` and bare paths become absolute file:// URLs (relative to `base`)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return url
    if parts.scheme == "file":
        path = Path(url[len("file://"):] if url.startswith("file://") else url[len("file:"):])
    elif parts.scheme == "" or len(parts.scheme) == 1:  # a path (or a Windows drive letter)
        path = Path(url)
    else:
        raise SourceError(f"unsupported URL scheme {parts.scheme!r} in {url!r} (use http, https or file)")
    if not path.is_absolute():
        path = base / path
    return path.resolve().as_uri()


def _validate(spec: SourceSpec, settings: Settings) -> float:
    if spec.type not in ADAPTERS:
        raise SourceError(f"unknown source type {spec.type!r} (known: {', '.join(sorted(ADAPTERS))})")
    if not spec.name.strip() or len(spec.name) > 200:
        raise SourceError("a source needs a name of 1 to 200 characters")
    interval = spec.interval if spec.interval is not None else settings.get("scheduler.default_interval")
    minimum = settings.get("scheduler.min_interval")
    if interval < minimum:
        raise SourceError(f"interval {interval:g}s of {spec.name!r} is below scheduler.min_interval "
                          f"({minimum:g}s)")
    return float(interval)


def add_source(db: Database, spec: SourceSpec, settings: Settings, *, actor: str = "cli",
               base: Path | None = None) -> Source:
    interval = _validate(spec, settings)
    url = resolve_url(spec.url, base or Path.cwd())
    with db.session() as session:
        if session.scalar(select(Source.id).where(Source.name == spec.name)) is not None:
            raise SourceError(f"a source named {spec.name!r} already exists")
        source = Source(
            name=spec.name, type=spec.type, url=url, interval_seconds=interval, region=spec.region,
            options=dict(spec.options), enabled=True, origin="cli", cursor={},
            created_at=datetime.now(UTC), consecutive_failures=0, posts_collected=0,
            asn_status=str(spec.options.get("asn_status", "unknown")),
        )
        session.add(source)
        session.flush()
        append_audit(session, actor=actor, action="source.add", entity="source", entity_id=spec.name,
                     details={"type": spec.type, "url": url, "interval": interval})
    return source


def remove_source(db: Database, name: str, *, actor: str = "cli") -> None:
    """Delete the source row; its posts and snapshots stay (evidence), detached from it."""
    with db.session() as session:
        source = session.scalar(select(Source).where(Source.name == name))
        if source is None:
            raise SourceError(f"no source named {name!r}")
        session.delete(source)
        append_audit(session, actor=actor, action="source.remove", entity="source", entity_id=name)


def sync_config_sources(db: Database, settings: Settings) -> list[str]:
    """Make the database match pantau.toml's [[sources]]; returns what changed, for the log."""
    base = settings.config_path.parent if settings.config_path else Path.cwd()
    changes = []
    declared = {spec.name: spec for spec in settings.sources}
    with db.session() as session:
        existing = {s.name: s for s in session.scalars(select(Source))}
        for name, spec in declared.items():
            try:
                interval = _validate(spec, settings)
                url = resolve_url(spec.url, base)
            except SourceError as exc:
                raise ConfigError(f"{settings.config_path}: source {name!r}: {exc}") from None
            wanted = {"type": spec.type, "url": url, "interval_seconds": interval,
                      "region": spec.region, "options": dict(spec.options), "enabled": True}
            row = existing.get(name)
            if row is None:
                session.add(Source(name=name, origin="config", cursor={}, created_at=datetime.now(UTC),
                                   consecutive_failures=0, posts_collected=0,
                                   asn_status=str(spec.options.get("asn_status", "unknown")), **wanted))
                changes.append(f"added {name}")
            elif row.origin == "config" and any(getattr(row, k) != v for k, v in wanted.items()):
                if any(getattr(row, k) != wanted[k] for k in ("type", "url", "options")):
                    row.cursor, row.next_run_at = {}, None  # another target: start it afresh
                for key, value in wanted.items():
                    setattr(row, key, value)
                changes.append(f"updated {name}")
        for name, row in existing.items():
            if row.origin == "config" and name not in declared and row.enabled:
                row.enabled = False
                changes.append(f"disabled {name} (no longer in {settings.config_path})")
        if changes:
            append_audit(session, actor="config", action="source.sync", entity="source",
                         details={"changes": changes})
    return changes


def source_health(source: Source) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "name": source.name, "type": source.type, "url": source.url,
        "interval": source.interval_seconds, "region": source.region, "enabled": source.enabled,
        "origin": source.origin, "options": source.options,
        "last_run": iso(source.last_run_at), "last_success": iso(source.last_success_at),
        "last_error": source.last_error, "last_error_at": iso(source.last_error_at),
        "consecutive_failures": source.consecutive_failures,
        "posts_collected": source.posts_collected, "next_run": iso(source.next_run_at),
    }


def list_sources(db: Database) -> list[dict[str, Any]]:
    with db.reader() as session:
        return [source_health(s) for s in session.scalars(select(Source).order_by(Source.name))]


def parse_options(pairs: tuple[str, ...]) -> Mapping[str, Any]:
    """`KEY=VALUE` pairs; VALUE is read as JSON when it parses (numbers, booleans), else text."""
    import json

    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SourceError(f"--option expects KEY=VALUE, got {pair!r}")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options
