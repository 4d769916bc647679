"""Posts in: importing files, scoring stored posts, and running sources now.

The storing itself is monitor.pipeline's (and monitor.scrape's for a source run); these use
cases add what every door needs: the permission, the source looked up by name, and the actor
named in the audit entry.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from monitor.config import Settings
from monitor.errors import N_, NotFound
from monitor.pipeline import IngestStats, Scorer, import_lines, score_unscored
from monitor.policy import Actor, Right
from monitor.scrape import ScrapeReport, crashed, make_client, run_source
from monitor.services.guard import require
from monitor.services.sources import sync_config
from storage.audit import append_audit
from storage.db import Database
from storage.interchange import LineResult
from storage.sources import find_source, source_names

__all__ = ["IngestStats", "ScrapeReport", "import_posts", "score_stored", "scrape_now",
           "source_id_of"]


def _accepts(function: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(function).parameters


def source_id_of(db: Database, name: str) -> int:
    with db.reader() as session:
        row = find_source(session, name)
    if row is None or row.removed:
        raise NotFound(N_("no source named {name!r} (see `pantau sources list`)"), name=name)
    return row.id


def import_posts(db: Database, actor: Actor, lines: Iterable[LineResult], *,
                 scorer: Scorer | None, source_name: str | None = None,
                 on_error: Callable[[LineResult], None] | None = None,
                 on_batch: Callable[[IngestStats], None] | None = None,
                 origin: str = "") -> IngestStats:
    """Store (and score) interchange lines; the pipeline appends `import.start` before the first
    post and `import.finish` with the counts (so a killed import still leaves a record)."""
    require(actor, Right.IMPORT)
    source_id = source_id_of(db, source_name) if source_name else None
    return import_lines(db, lines, scorer=scorer, source_id=source_id, on_error=on_error,
                        on_batch=on_batch, origin=origin, actor=actor.name)


def score_stored(db: Database, actor: Actor, scorer: Scorer) -> IngestStats:
    """Score the stored posts that have no score for their current version."""
    require(actor, Right.IMPORT)
    stats = score_unscored(db, scorer)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="score", entity="posts",
                     details=stats.as_dict() | {"model_version": scorer.version})
    return stats


def _targets(db: Database, names: Sequence[str]) -> list[str]:
    with db.reader() as session:
        known = source_names(session)
    missing = [n for n in names if n not in known]
    if missing:
        raise NotFound(N_("no source named {names} (see `pantau sources list`)"),
                       names=", ".join(map(repr, missing)))
    return list(names) or sorted(n for n, enabled in known.items() if enabled)


async def _run_all(db: Database, targets: list[str], settings: Settings,
                   scorer: Scorer | None, actor: Actor) -> list[ScrapeReport | BaseException]:
    extra: dict[str, Any] = {"actor": actor.name} if _accepts(run_source, "actor") else {}
    async with make_client(settings) as client:
        return list(await asyncio.gather(*(
            run_source(db, name, client=client, scorer=scorer, settings=settings, **extra)
            for name in targets), return_exceptions=True))


def scrape_now(db: Database, actor: Actor, names: Sequence[str], settings: Settings, *,
               scorer: Scorer | None) -> list[ScrapeReport]:
    """Run the named sources (none named: every enabled one) once now. One source's crash is
    its report's error, never the others' loss. The request is audited with its actor; each
    run records its own entry (monitor.scrape)."""
    require(actor, Right.SCRAPE)
    sync_config(db, settings)
    targets = _targets(db, names)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="scrape.request", entity="source",
                     details={"sources": targets})
    outcomes = asyncio.run(_run_all(db, targets, settings, scorer, actor))
    reports = []
    for name, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            outcome = crashed(name, outcome)  # its error in the reader's language
        reports.append(outcome)
    return reports
