"""The record of every source run and import: started, finished, reconciled counts, reasons.

A run row is written (status `running`) in its own short transaction before any post is
stored, and completed at the end; a run killed in between stays visible as `running` with the
time it started. Counts reconcile: fetched = new + updated + unchanged + duplicates + rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import SourceRun

__all__ = ["MAX_RUN_ERRORS", "RUN_COUNTS", "SourceRunRow", "finish_run", "list_runs", "start_run"]

RUN_COUNTS = ("fetched", "new", "updated", "unchanged", "duplicates", "rejected")
MAX_RUN_ERRORS = 200  # reasons kept per run (each cut at 500 characters); the counts stay exact


@dataclass(frozen=True, slots=True)
class SourceRunRow:
    id: int
    source_id: int | None
    source_name: str
    kind: str
    actor: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    counts: Mapping[str, int]
    errors: tuple[str, ...]

    def reconciles(self) -> bool:
        c = self.counts
        return c["fetched"] == sum(c[k] for k in RUN_COUNTS[1:])


def start_run(session: Session, *, kind: str, source_name: str, actor: str,
              source_id: int | None = None, now: datetime | None = None) -> int:
    row = SourceRun(source_id=source_id, source_name=source_name[:200], kind=kind,
                    actor=actor[:200], status="running", started_at=now or datetime.now(UTC),
                    errors=[], **dict.fromkeys(RUN_COUNTS, 0))
    session.add(row)
    session.flush()
    return row.id


def finish_run(session: Session, run_id: int, *, status: str, counts: Mapping[str, Any],
               errors: Sequence[str] = (), now: datetime | None = None) -> None:
    kept = [str(e)[:500] for e in list(errors)[:MAX_RUN_ERRORS]]
    session.execute(update(SourceRun).where(SourceRun.id == run_id).values(
        status=status, finished_at=now or datetime.now(UTC), errors=kept,
        **{k: int(counts.get(k, 0)) for k in RUN_COUNTS}))


def list_runs(session: Session, *, source_name: str | None = None, kind: str | None = None,
              limit: int = 50) -> list[SourceRunRow]:
    """Most recent first."""
    query = select(SourceRun).order_by(SourceRun.id.desc()).limit(limit)
    if source_name is not None:
        query = query.where(SourceRun.source_name == source_name)
    if kind is not None:
        query = query.where(SourceRun.kind == kind)
    return [SourceRunRow(
        id=r.id, source_id=r.source_id, source_name=r.source_name, kind=r.kind, actor=r.actor,
        status=r.status, started_at=r.started_at, finished_at=r.finished_at,
        counts={k: getattr(r, k) for k in RUN_COUNTS}, errors=tuple(r.errors or ()))
        for r in session.scalars(query)]
