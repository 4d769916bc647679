"""One run of one source: fetch → snapshots → posts (versions) → scores → queue → cursor & health.

The run is on record from its start (a `running` source_runs row). Snapshots are committed
first (they are evidence even when parsing fails), posts follow in batches through the
pipeline (each item checked, scored outside the write, isolated: one poisonous item is
rejected with its reason and the others are stored), and the cursor moves only in the last
transaction: a crash mid-run means the next run fetches the same items again, and dedupe makes
that harmless. The counts reconcile: fetched = new + updated + unchanged + duplicates + rejected.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor.config import Settings
from monitor.errors import NotFound
from monitor.ingest_stats import COUNTS, IngestStats
from monitor.pipeline import Item, Scorer, ingest_items
from scrapers import (
    ClientSettings,
    FetchResult,
    PoliteClient,
    ScraperError,
    SourceConfig,
    get_adapter,
)
from scrapers.base import ScrapedPost
from storage.audit import append_audit
from storage.db import Database
from storage.errors import N_, Message, TemplatedError, exception_text
from storage.records import PostRecord
from storage.retry import write_with_retry
from storage.scrape_state import (
    RunSource,
    load_run_source,
    mark_deleted,
    record_source_failure,
    record_source_success,
    store_snapshots,
)
from storage.source_runs import finish_run, start_run
from storage.validation import LIMITS

__all__ = ["ScrapeReport", "client_settings", "crash_reason", "crashed", "fit_external_id",
           "make_client", "run_source"]

log = logging.getLogger(__name__)
BATCH = 500
ACTOR = "scheduler"


@dataclass
class ScrapeReport:
    name: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    flagged: int = 0
    snapshots: int = 0
    marked_deleted: int = 0
    not_modified: bool = False
    ok: bool = True
    # English texts; one with a template (a scraper's error, a rejected item's reason) is a
    # storage.errors.Message, which `pantau scrape` prints in the reader's language
    errors: list[str] = field(default_factory=list)
    run_id: int | None = None
    # Seconds until this source may be fetched again, when the host asked (capped Retry-After
    # of scrapers.errors.RateLimited); the scheduler delays this one source by it.
    retry_after: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def reconciles(self) -> bool:
        """fetched = new + updated + unchanged + duplicates + rejected (monitor.ingest_stats)."""
        return self.fetched == sum(int(getattr(self, k)) for k in COUNTS[1:])

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNTS}


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
        max_retry_after=settings.get("scrape.max_retry_after"),
        request_deadline=settings.get("scrape.request_deadline"),
    )


def make_client(settings: Settings) -> PoliteClient:
    """The process's one HTTP door, shared by every source so per-host politeness holds."""
    return PoliteClient(client_settings(settings))


def _source_config(row: RunSource, settings: Settings) -> SourceConfig:
    options = dict(row.options)
    options.setdefault("max_pages", settings.get("scrape.max_pages"))
    return SourceConfig(name=row.name, type=row.type, url=row.url, region=row.region, options=options)


def fit_external_id(record: PostRecord) -> PostRecord:
    """A scraped id longer than the column (an RSS guid of 600 characters): stored under a
    stable id derived from it, `sha256:<hex of the full id>`, the full id kept in
    `extra.external_id_full`. Stable, so the item dedupes on every later run."""
    if not isinstance(record.external_id, str) or len(record.external_id) <= LIMITS["external_id"]:
        return record
    digest = hashlib.sha256(record.external_id.encode("utf-8", "surrogatepass")).hexdigest()
    extra = {**record.extra, "external_id_full": record.external_id}
    return dataclasses.replace(record, external_id=f"sha256:{digest}", extra=extra)


def _items(posts: Sequence[ScrapedPost], snapshot_ids: Sequence[int]) -> tuple[list[Item], int]:
    """Items of the run, first copy of each (platform, external_id) kept; (items, duplicates)."""
    seen: set[tuple[str, str]] = set()
    items = []
    for post in posts:
        record = fit_external_id(post.record)
        key = (record.platform, record.external_id)
        if key in seen:
            continue
        seen.add(key)
        snapshot = snapshot_ids[post.snapshot] if 0 <= post.snapshot < len(snapshot_ids) else None
        items.append(Item(record, f"{record.platform}/{str(record.external_id)[:120]}", snapshot))
    return items, len(posts) - len(items)


async def _store(db: Database, source_id: int, result: FetchResult,
                 scorer: Scorer | None) -> IngestStats:
    """Snapshots first (evidence even if a batch fails), then posts in committed batches."""
    snapshot_ids = write_with_retry(db, lambda s: store_snapshots(s, source_id, result.snapshots))
    items, duplicates = _items(result.posts, snapshot_ids)
    totals = IngestStats(fetched=len(result.posts) - len(items), duplicates=duplicates)
    for start in range(0, len(items), BATCH):
        await asyncio.sleep(0)  # a stop request lands between batches, never inside one
        chunk = items[start:start + BATCH]
        totals.add(await asyncio.to_thread(ingest_items, db, chunk, scorer=scorer,
                                           source_id=source_id))
    return totals


def _adapter_counts(result: FetchResult) -> tuple[int, int]:
    """Items the adapter itself refused or dropped as repeats (file sources count them)."""
    return int(getattr(result, "rejected", 0) or 0), int(getattr(result, "duplicates", 0) or 0)


def crash_reason(exc: BaseException) -> str:
    """Why a run raised instead of reporting (a source gone meanwhile, a bug): an error raised
    with a template (every TemplatedError: a use case's, storage's, a scraper's) as its
    `Message`, said in the reader's language; any other error as its type and English text,
    said to readers by its kind's label (storage.errors.exception_kind)."""
    if isinstance(exc, TemplatedError):
        return exc.as_message()
    return exception_text(exc)


def crashed(name: str, exc: BaseException) -> ScrapeReport:
    """The report of a run that raised: failed, its one error saying that the run stopped and
    why (`crash_reason`), so that `pantau scrape` prints it in the reader's language."""
    return ScrapeReport(name=name, ok=False,
                        errors=[Message(N_("the run stopped: {error}"), error=crash_reason(exc))])


def _fail(db: Database, report: ScrapeReport, source_id: int, message: str,
          error: ScraperError | None = None) -> ScrapeReport:
    """The run failed: `message` (English; a `Message` when it has a template) in the report
    and the source's health, with the template and values of a scraper's `error` it ends with
    (else of the `Message`), so that it is shown in the reader's language."""
    report.ok = False
    report.errors.append(message)
    now = datetime.now(UTC)
    template, params = ((error.template, error.params) if error is not None
                        else (message.template, message.params) if isinstance(message, Message)
                        else (None, None))

    def work(session: Any) -> None:
        record_source_failure(session, source_id, message, now, template=template, params=params)
        if report.run_id is not None:
            finish_run(session, report.run_id, status="failed", counts=report.counts(),
                       errors=report.errors, now=now)
        append_audit(session, actor=ACTOR, action="scrape.failed", entity="source",
                     entity_id=source_id, details={"error": message[:500], "run": report.run_id})
    write_with_retry(db, work)
    log.warning("source=%s outcome=failed error=%s", report.name, message)
    return report


def _start(db: Database, name: str) -> tuple[RunSource, int]:
    def work(session: Any) -> tuple[RunSource, int]:
        row = load_run_source(session, name)
        if row is None:  # removed or renamed since it was named: said in the reader's language
            raise NotFound(N_("no source named {name!r} (see `pantau sources list`)"), name=name)
        return row, start_run(session, kind="scrape", source_name=name, actor=ACTOR,
                              source_id=row.id)
    return write_with_retry(db, work)


def _finish(db: Database, report: ScrapeReport, source: RunSource, result: FetchResult) -> None:
    now = datetime.now(UTC)

    def work(session: Any) -> None:
        report.marked_deleted = mark_deleted(session, source.id, result.listing,
                                             result.listing_since, now)
        record_source_success(session, source.id, cursor=result.cursor, new=report.new,
                              errors=report.errors, now=now)
        finish_run(session, report.run_id or 0, status="ok", counts=report.counts(),
                   errors=report.errors, now=now)
        append_audit(session, actor=ACTOR, action="scrape", entity="source", entity_id=source.name,
                     details={k: v for k, v in report.as_dict().items() if k != "errors"}
                     | {"errors": len(report.errors)})
    write_with_retry(db, work)


async def run_source(db: Database, name: str, *, client: PoliteClient, scorer: Scorer | None,
                     settings: Settings) -> ScrapeReport:
    """Run one source once. Source-level failures are recorded in its health, not raised."""
    report = ScrapeReport(name=name)
    source, report.run_id = _start(db, name)
    config = _source_config(source, settings)
    try:
        adapter = get_adapter(config.type)
        result = await adapter.fetch(config, dict(source.cursor), client)
    except Exception as exc:
        log.debug("source=%s adapter failure", name, exc_info=True)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, int | float) and not isinstance(retry_after, bool):
            report.retry_after = float(retry_after)
        return _fail(db, report, source.id, exception_text(exc),
                     exc if isinstance(exc, ScraperError) else None)
    report.not_modified, report.errors = result.not_modified, list(result.errors)
    report.snapshots = len(result.snapshots)
    adapter_rejected, adapter_duplicates = _adapter_counts(result)
    try:
        totals = await _store(db, source.id, result, scorer)
    except Exception as exc:
        log.exception("source=%s outcome=store_failed", name)
        # the driver's words stay the English text; readers read its kind's label
        return _fail(db, report, source.id, Message(
            N_("storing failed: {error}"), error=exception_text(exc, limit=300)))
    report.fetched = totals.fetched + adapter_rejected + adapter_duplicates
    report.new, report.updated, report.unchanged = totals.new, totals.updated, totals.unchanged
    report.duplicates = totals.duplicates + adapter_duplicates
    report.rejected = totals.rejected + adapter_rejected
    report.flagged = totals.flagged
    report.errors += totals.errors
    _finish(db, report, source, result)
    log.info("source=%s fetched=%d new=%d updated=%d unchanged=%d duplicates=%d rejected=%d "
             "flagged=%d errors=%d", name, report.fetched, report.new, report.updated,
             report.unchanged, report.duplicates, report.rejected, report.flagged,
             len(report.errors))
    return report
