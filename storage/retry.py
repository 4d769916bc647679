"""Write transactions that survive other writers: retried on a transient conflict, bounded.

SQLite: a writer that cannot get the lock within the busy timeout (30 s) waits again, saying so
in the log, up to LOCK_WAIT_MAX seconds in all. PostgreSQL: a deadlock or serialization
failure rolls the transaction back; it is run again after a short random pause, at most
MAX_CONFLICT_RETRIES times. Anything else is raised at once (it is not the other writers).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from storage.db import Database
from storage.dialect import transient_reason

__all__ = ["LOCK_WAIT_MAX", "MAX_CONFLICT_RETRIES", "write_with_retry"]

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_CONFLICT_RETRIES = 8
LOCK_WAIT_MAX = 600.0


def write_with_retry(db: Database, work: Callable[[Session], T], *,
                     on_retry: Callable[[], None] | None = None) -> T:
    """Run `work` in a write transaction (db.session()), again on a transient conflict."""
    started, conflicts = time.monotonic(), 0
    while True:
        try:
            with db.session() as session:
                return work(session)
        except Exception as exc:
            reason = transient_reason(exc)
            if reason is None:
                raise
            if on_retry:
                on_retry()
            waited = time.monotonic() - started
            if reason == "database is locked":
                if waited > LOCK_WAIT_MAX:
                    raise
                log.warning("another writer holds the database lock; waiting for it "
                            "(%.0f s so far)", waited)
                time.sleep(random.uniform(0.05, 0.25))  # the busy timeout waits; this never spins
                continue
            conflicts += 1
            if conflicts > MAX_CONFLICT_RETRIES:
                raise
            pause = random.uniform(0, min(2.0, 0.05 * 2 ** conflicts))
            log.warning("write conflict (%s); retrying the transaction in %.2f s (%d of %d)",
                        reason, pause, conflicts, MAX_CONFLICT_RETRIES)
            time.sleep(pause)
