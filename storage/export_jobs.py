"""Exports asked for in the web app: one row per job, with its progress and outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.errors import N_, RowNotFound
from storage.models import ExportJob

__all__ = [
    "EXPORT_JOB_STATUSES",
    "ExportJobInfo",
    "create_export_job",
    "export_job_finished",
    "export_job_progress",
    "export_job_started",
    "get_export_job",
]

EXPORT_JOB_STATUSES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class ExportJobInfo:
    id: int
    owner: str
    format: str
    filter: Mapping[str, Any]
    status: str
    done: int
    total: int
    file_name: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def _info(row: ExportJob) -> ExportJobInfo:
    return ExportJobInfo(row.id, row.owner, row.format, dict(row.filter or {}), row.status,
                         row.done, row.total, row.file_name, row.error, row.created_at,
                         row.finished_at)


def create_export_job(session: Session, *, owner: str, fmt: str, filter: Mapping[str, Any],
                      now: datetime) -> ExportJobInfo:
    row = ExportJob(owner=owner, format=fmt, filter=dict(filter), status="queued", done=0,
                    total=0, created_at=now)
    session.add(row)
    session.flush()
    return _info(row)


def get_export_job(session: Session, job_id: int) -> ExportJobInfo:
    row = session.get(ExportJob, job_id)
    if row is None:
        raise RowNotFound(N_("no export job {id}"), id=job_id)
    return _info(row)


def export_job_started(session: Session, job_id: int) -> None:
    session.execute(update(ExportJob).where(ExportJob.id == job_id).values(status="running"))


def export_job_progress(session: Session, job_id: int, done: int, total: int) -> None:
    session.execute(update(ExportJob).where(ExportJob.id == job_id).values(done=done, total=total))


def export_job_finished(session: Session, job_id: int, *, now: datetime, file_name: str | None,
                        error: str | None = None, items: int | None = None) -> None:
    values: dict[str, Any] = {"status": "failed" if error else "done", "finished_at": now,
                              "file_name": file_name, "error": error}
    if items is not None:
        values.update(done=items, total=items)
    session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))
