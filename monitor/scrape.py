"""One run of one source: fetch → snapshots → posts (versions) → scores → queue → cursor & health.

Snapshots are committed first (they are evidence even when parsing fails), posts follow in
batches, and the cursor moves only in the last transaction: a crash mid-run means the next run
fetches the same items again, and dedupe makes that harmless.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Sequence

from sqlalchemy import select, update

from monitor.config import Settings
from monitor.pipeline import IngestStats, Scorer, ingest_batch
from scrapers import ClientSettings, FetchResult, PoliteClient, ScraperError, SourceConfig, get_adapter
from scrapers.base import Snapshot
from storage.audit import append_audit
from storage.db import Database
from storage.dialect import insert_ignore
from storage.models import Blob, Post, Source
from storage.models import Snapshot as SnapshotRow

__all__ = ["ScrapeReport", "make_client", "run_source", "client_settings"]

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class ScrapeReport:
    name: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    snapshots: int = 0
    marked_deleted: int = 0
    not_modified: bool = False
    ok: bool = True
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def client_settings(settings: Settings) -> ClientSettings:
    return ClientSettings(
        user_agent=settings.user_agent,
        min_host_delay=settings.get("scrape.min_host_delay"),
        max_response_bytes=settings.get("scrape.max_response_bytes"),
        timeout=settings.get("scrape.timeout"),
        max_retries=settings.get("scrape.max_retries"),
        max_redirects=settings.get("scrape.max_redirects"),
        respect_robots=settings.get("scrape.respect_robots"),
        allow_private_networks=settings.allow_private_networks,
    )


def make_client(settings: Settings) -> PoliteClient:
    """The process's one HTTP door, shared by every source so per-host politeness holds."""
    return PoliteClient(client_settings(settings))


def _source_config(row: Source, settings: Settings) -> SourceConfig:
    options = dict(row.options or {})
    options.setdefault("max_pages", settings.get("scrape.max_pages"))
    return SourceConfig(name=row.name, type=row.type, url=row.url, region=row.region, options=options)


def _store_snapshots(db: Database, source_id: int, snapshots: Sequence[Snapshot]) -> list[int]:
    if not snapshots:
        return []
    with db.session() as session:
        session.execute(insert_ignore(session, Blob.__table__, ["sha256"]),
                        [{"sha256": s.sha256, "size": len(s.body), "body": s.body} for s in snapshots])
        rows = [SnapshotRow(source_id=source_id, url=s.url, status=s.status, headers=dict(s.headers),
                            sha256=s.sha256, fetched_at=s.fetched_at, truncated=s.truncated)
                for s in snapshots]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _mark_deleted(session: Any, source_id: int, result: FetchResult, now: datetime) -> int:
    if result.listing is None or result.listing_since is None:
        return 0
    visible = list(result.listing)
    gone = session.execute(
        update(Post).where(Post.source_id == source_id, Post.status == "active",
                           Post.posted_at >= result.listing_since, Post.external_id.not_in(visible))
        .values(status="possibly_deleted", status_changed_at=now)
        .execution_options(synchronize_session=False))
    if visible:
        session.execute(
            update(Post).where(Post.source_id == source_id, Post.status == "possibly_deleted",
                               Post.external_id.in_(visible))
            .values(status="active", status_changed_at=now)
            .execution_options(synchronize_session=False))
    return int(gone.rowcount or 0)


def _record_failure(db: Database, source_id: int, message: str) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        session.execute(update(Source).where(Source.id == source_id).values(
            last_run_at=now, last_error=message[:2000], last_error_at=now,
            consecutive_failures=Source.consecutive_failures + 1))
        append_audit(session, actor="scheduler", action="scrape.failed", entity="source",
                     entity_id=source_id, details={"error": message[:500]})


async def _store(db: Database, source_id: int, result: FetchResult,
                 scorer: Scorer | None) -> IngestStats:
    """Snapshots first (evidence even if a batch fails), then posts in committed batches."""
    snapshot_ids = _store_snapshots(db, source_id, result.snapshots)
    totals = IngestStats()
    for start in range(0, len(result.posts), BATCH):
        await asyncio.sleep(0)  # a stop request lands between batches, never inside one
        chunk = result.posts[start:start + BATCH]
        with db.session() as session:
            stats, _ = ingest_batch(
                session, [p.record for p in chunk], scorer=scorer, source_id=source_id,
                snapshot_ids=[snapshot_ids[p.snapshot] if snapshot_ids else None for p in chunk])
        totals.add(stats)
    return totals


async def run_source(db: Database, name: str, *, client: PoliteClient, scorer: Scorer | None,
                     settings: Settings) -> ScrapeReport:
    """Run one source once. Source-level failures are recorded in its health, not raised."""
    report = ScrapeReport(name=name)
    with db.session() as session:
        row = session.scalar(select(Source).where(Source.name == name))
        if row is None:
            raise LookupError(f"no source named {name!r}")
        source_id, cursor, config = row.id, dict(row.cursor or {}), _source_config(row, settings)
    try:
        adapter = get_adapter(config.type)
        result = await adapter.fetch(config, cursor, client)
    except ScraperError as exc:
        report.ok = False
        report.errors.append(f"{type(exc).__name__}: {exc}")
        _record_failure(db, source_id, report.errors[-1])
        log.warning("source=%s outcome=failed error=%s", name, report.errors[-1])
        return report
    report.not_modified, report.errors = result.not_modified, list(result.errors)
    report.fetched, report.snapshots = len(result.posts), len(result.snapshots)
    try:
        totals = await _store(db, source_id, result, scorer)
    except Exception as exc:  # a batch the database refused: this run fails, the process goes on
        log.exception("source=%s outcome=store_failed", name)
        report.ok = False
        report.errors.append(f"storing failed: {type(exc).__name__}: {str(exc)[:300]}")
        _record_failure(db, source_id, report.errors[-1])
        return report
    report.new, report.updated, report.unchanged = totals.new, totals.updated, totals.unchanged
    report.flagged = totals.flagged
    now = datetime.now(UTC)
    with db.session() as session:
        report.marked_deleted = _mark_deleted(session, source_id, result, now)
        values: dict[str, Any] = {"cursor": result.cursor, "last_run_at": now, "last_success_at": now,
                                  "consecutive_failures": 0,
                                  "posts_collected": Source.posts_collected + totals.new}
        if result.errors:
            values.update(last_error="; ".join(result.errors)[:2000], last_error_at=now)
        session.execute(update(Source).where(Source.id == source_id).values(**values))
        append_audit(session, actor="scheduler", action="scrape", entity="source", entity_id=name,
                     details={k: v for k, v in report.as_dict().items() if k != "errors"}
                     | {"errors": len(report.errors)})
    log.info("source=%s fetched=%d new=%d updated=%d flagged=%d errors=%d", name, report.fetched,
             report.new, report.updated, report.flagged, len(report.errors))
    return report
