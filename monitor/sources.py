"""Source specs → source definitions: validation, URL resolution and `--option` parsing.

A `SourceSpec` (pantau.toml `[[sources]]` or `pantau sources add`) becomes a storage
`SourceDefinition` here; the use cases that store them are in monitor/services/sources.py.
`add_source`, `remove_source` and `sync_config_sources` remain as shortcuts acting as the local
operator and the configuration, for code written before the use-case layer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.config import Settings, SourceSpec
from monitor.errors import N_, InvalidInput
from scrapers import ADAPTERS
from storage.db import Database
from storage.sources import SourceDefinition, SourceRow

__all__ = ["SourceError", "resolve_url", "definition_of", "parse_options", "source_health",
           "add_source", "remove_source", "sync_config_sources"]


class SourceError(InvalidInput):
    """A source that cannot be defined as asked; the message is for the user."""


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
        raise SourceError(N_("unsupported URL scheme {scheme!r} in {url!r} (use http, https or "
                             "file)"), scheme=parts.scheme, url=url)
    if not path.is_absolute():
        path = base / path
    return path.resolve().as_uri()


def _interval(spec: SourceSpec, settings: Settings) -> float:
    if spec.type not in ADAPTERS:
        raise SourceError(N_("unknown source type {type!r} (known: {known})"), type=spec.type,
                          known=", ".join(sorted(ADAPTERS)))
    if not spec.name.strip() or len(spec.name) > 200:
        raise SourceError(N_("a source needs a name of 1 to 200 characters"))
    interval = spec.interval if spec.interval is not None else settings.get("scheduler.default_interval")
    minimum = settings.get("scheduler.min_interval")
    if interval < minimum:
        raise SourceError(N_("interval {interval}s of {name!r} is below scheduler.min_interval "
                             "({minimum}s)"), interval=f"{interval:g}", name=spec.name,
                          minimum=f"{minimum:g}")
    return float(interval)


def definition_of(spec: SourceSpec, settings: Settings, *, base: Path,
                  origin: str = "cli") -> SourceDefinition:
    """The validated definition of a spec; raises SourceError saying what is wrong."""
    interval = _interval(spec, settings)
    return SourceDefinition(
        name=spec.name, type=spec.type, url=resolve_url(spec.url, base),
        interval_seconds=interval, region=spec.region, options=dict(spec.options), origin=origin,
        asn_status=str(spec.options.get("asn_status", "unknown")))


def parse_options(pairs: tuple[str, ...]) -> Mapping[str, Any]:
    """`KEY=VALUE` pairs; VALUE is read as JSON when it parses (numbers, booleans), else text."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SourceError(N_("--option expects KEY=VALUE, got {pair!r}"), pair=pair)
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def source_health(source: SourceRow) -> dict[str, Any]:
    """The `sources list --json` document of one source (interfaces.md §3)."""
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "name": source.name, "type": source.type, "url": source.url,
        "interval": source.interval_seconds, "region": source.region, "enabled": source.enabled,
        "origin": source.origin, "options": source.options,
        "last_run": iso(source.last_run_at), "last_success": iso(source.last_success_at),
        "last_error": source.last_error, "last_error_at": iso(source.last_error_at),
        "consecutive_failures": source.consecutive_failures,
        "posts_collected": source.posts_collected, "next_run": iso(source.next_run_at),
        "removed_at": iso(source.removed_at),
    }


def add_source(db: Database, spec: SourceSpec, settings: Settings, *,
               base: Path | None = None) -> SourceRow:
    """Shortcut: add as the local operator (see monitor.services.sources.add_source)."""
    from monitor.policy import operator_actor
    from monitor.services import sources

    return sources.add_source(db, operator_actor(users_exist=False), spec, settings, base=base)


def remove_source(db: Database, name: str) -> SourceRow:
    """Shortcut: remove as the local operator (see monitor.services.sources.remove_source)."""
    from monitor.policy import operator_actor
    from monitor.services import sources

    return sources.remove_source(db, operator_actor(users_exist=False), name)


def sync_config_sources(db: Database, settings: Settings) -> list[str]:
    """Shortcut: make the database match pantau.toml (monitor.services.sources.sync_config)."""
    from monitor.services import sources

    return sources.sync_config(db, settings)
