"""An import on record from start to end: `import.start` and a `running` source_runs row are
committed before any post is stored; `import.finish` with the counts completes them, also when
the import fails. A killed import leaves its start entry, so its posts are never unattributed.

Also the read-ahead that parses the next batch while this one is written."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from queue import Empty, Queue
from typing import TypeVar

from sqlalchemy.orm import Session

from monitor.ingest_stats import IngestStats
from storage.audit import append_audit
from storage.db import Database
from storage.retry import write_with_retry
from storage.source_runs import finish_run, start_run

__all__ = ["ImportRun", "read_ahead"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class ImportRun:
    run_id: int
    actor: str
    origin: str
    source_id: int | None
    total: IngestStats = field(default_factory=IngestStats)

    @classmethod
    def begin(cls, db: Database, *, actor: str, origin: str, source_id: int | None) -> ImportRun:
        def work(session: Session) -> int:
            run_id = start_run(session, kind="import", source_name=origin or "<import>",
                               actor=actor, source_id=source_id)
            append_audit(session, actor=actor, action="import.start", entity="posts",
                         entity_id=origin or None, details={"run": run_id, "source_id": source_id})
            return run_id
        return cls(write_with_retry(db, work), actor, origin, source_id)

    def add(self, stats: IngestStats) -> None:
        self.total.add(stats)

    def finish(self, db: Database, failure: BaseException | None = None) -> None:
        """Complete the record; a failure to do so is logged, never hides `failure`."""
        status = "ok" if failure is None else "failed"
        details = {"run": self.run_id, "status": status, **self.total.as_dict()}
        if failure is not None:
            details["error"] = f"{type(failure).__name__}: {failure}"[:500]

        def work(session: Session) -> None:
            finish_run(session, self.run_id, status=status, counts=self.total.as_dict(),
                       errors=self.total.errors)
            append_audit(session, actor=self.actor, action="import.finish", entity="posts",
                         entity_id=self.origin or None, details=details)
        try:
            write_with_retry(db, work)
        except Exception:
            if failure is None:
                raise
            log.exception("could not record the end of import run %s", self.run_id)


def read_ahead(lines: Iterable[T], chunk: int, depth: int = 4) -> Iterator[T]:
    """Parse in a second thread while this one stores: the sqlite/psycopg calls release the GIL,
    so decoding the next batch overlaps writing this one. The bounded queue keeps memory flat."""
    queue: Queue[list[T] | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            buffer: list[T] = []
            for line in lines:
                buffer.append(line)
                if len(buffer) >= chunk:
                    queue.put(buffer)
                    buffer = []
                    if stop.is_set():
                        return
            queue.put(buffer)
            queue.put(None)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
            queue.put(exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                queue.get_nowait()
            except Empty:
                thread.join(0.05)
