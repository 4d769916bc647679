"""The page-capture job: flagged posts of capture-enabled sources get a screenshot and a PDF.

It runs beside the scheduler in `pantau run`, in a worker thread, so collection never waits
for a browser. A source captures when its option `capture` says so, else when the setting
`evidence.capture` does (default off). Each post is captured once; a failure is recorded with
its reason and retried with growing waits (given up after MAX_ATTEMPTS); one bad page never
stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.config import ConfigError, Flag, Settings
from monitor.evidence.browser import BrowserUnavailable, chromium
from monitor.evidence.capture import (
    CaptureFailed,
    CaptureLimits,
    PageFile,
    capture_page,
    network_guard,
)
from storage.captures import (
    CaptureCandidate,
    capture_candidates,
    capture_sources,
    record_capture,
    record_capture_failure,
)
from storage.db import Database

__all__ = ["BATCH", "INTERVAL", "MAX_ATTEMPTS", "CaptureRun", "capture_enabled",
           "capture_pending", "capture_periodically", "retry_at"]

log = logging.getLogger(__name__)
BATCH = 20          # posts per round
INTERVAL = 60.0     # seconds between rounds
MAX_ATTEMPTS = 6    # then the capture is given up (its last error stays recorded)
FIRST_WAIT = 60.0   # seconds before the first retry, doubled at each failure
LONGEST_WAIT = 6 * 3600.0

Capture = Callable[..., list[PageFile]]


@dataclass(frozen=True)
class CaptureRun:
    captured: int
    failed: int


def capture_enabled(options: dict[str, Any], default: bool) -> bool:
    """The source's `capture` option if it has a valid one, else the global setting."""
    if "capture" not in options:
        return default
    try:
        return Flag()(options["capture"])
    except ConfigError:
        return default


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failures, or None once they are used up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT))


def _candidates(db: Database, settings: Settings, now: datetime, limit: int) -> list[CaptureCandidate]:
    default = bool(settings.get("evidence.capture"))
    with db.reader() as session:
        ids = [s.id for s in capture_sources(session) if capture_enabled(dict(s.options), default)]
        return capture_candidates(session, ids, now, limit)


def capture_pending(db: Database, settings: Settings, *, now: datetime | None = None,
                    limit: int = BATCH, capture: Capture = capture_page) -> CaptureRun:
    """One round: capture up to `limit` due posts, each recorded in its own transaction."""
    now = now or datetime.now(UTC)
    due = _candidates(db, settings, now, limit)
    if not due:
        return CaptureRun(0, 0)
    guard = network_guard(settings.allow_private_networks)
    limits = CaptureLimits(timeout=float(settings.get("evidence.capture_timeout")),
                           max_bytes=int(settings.get("scrape.max_response_bytes")))
    captured = failed = 0
    with ExitStack() as stack:
        try:
            browser = stack.enter_context(chromium())
        except BrowserUnavailable as exc:
            browser, missing = None, str(exc)
        for candidate in due:
            try:
                if browser is None:
                    raise CaptureFailed(missing)
                pages = capture(candidate.url, guard=guard, limits=limits, browser=browser)
            except Exception as exc:  # CaptureFailed, or anything else one page may raise
                failed += 1
                reason = str(exc) if isinstance(exc, CaptureFailed) else f"{type(exc).__name__}: {exc}"
                log.warning("capture_failed post=%s reason=%s", candidate.post_id, reason[:300])
                with db.session() as session:
                    record_capture_failure(session, candidate.post_id, reason, now,
                                           retry_at(candidate.attempts + 1, now))
                continue
            with db.session() as session:
                record_capture(session, candidate, pages, now)
            captured += 1
    return CaptureRun(captured, failed)


async def capture_periodically(settings: Settings, db: Database, stop: asyncio.Event,
                               interval: float = INTERVAL) -> None:
    """Rounds of `capture_pending` in a worker thread until `stop` is set."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(capture_pending, db, settings)
        except Exception:  # the database is away for a moment: the next round tries again
            log.exception("capture round failed")
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
