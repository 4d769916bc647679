"""Exports asked for in the web app: built in a background thread, watched, then downloaded.

The export itself is the one export use case (`monitor.services.exports.export`, audited as
`export`); this module adds the job row that the progress page reads, and the download, which
is audited too (`export.download`, with who downloaded). A job's file is seen only by its owner
and by those with `Right.OTHERS_EXPORTS` (leads, administrators).
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.config import Settings
from monitor.errors import N_, InvalidInput, NotFound, PermissionDenied, ServiceError
from monitor.evidence.keys import ensure_key
from monitor.evidence.timestamps import authority
from monitor.policy import Actor, Right, can
from monitor.services import exports
from monitor.services.cases import deadlines_from
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.errors import RowNotFound
from storage.export_jobs import (
    ExportJobInfo,
    create_export_job,
    export_job_finished,
    export_job_progress,
    export_job_started,
    get_export_job,
)

__all__ = ["WEB_FORMATS", "Download", "download_export", "export_job", "start_export"]

log = logging.getLogger(__name__)
WEB_FORMATS = ("bundle", "csv")
SUFFIX = {"bundle": "zip", "csv": "csv"}
MEDIA = {"bundle": "application/zip", "csv": "text/csv; charset=utf-8"}

Runner = Callable[[Callable[[], None]], None]


def _thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="pantau-export", daemon=True).start()


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str
    media_type: str


def _filter_record(flt: exports.ExportFilter) -> dict[str, Any]:
    return flt.fields()


def start_export(db: Database, settings: Settings, actor: Actor, fmt: str,
                 flt: exports.ExportFilter, *, run: Runner = _thread) -> ExportJobInfo:
    """Record the job and start building it; returns at once (the page then shows progress)."""
    require(actor, Right.EXPORT)
    if fmt not in WEB_FORMATS:
        raise InvalidInput(N_("format must be one of {choices}"), choices=", ".join(WEB_FORMATS))
    with db.session() as session:
        job = create_export_job(session, owner=actor.name, fmt=fmt, filter=_filter_record(flt),
                                now=datetime.now(UTC))
    run(lambda: _build(db, settings, actor, job, flt))
    return job


def _progress_keyword(db: Database, job_id: int) -> dict[str, Any]:
    """`progress=` for the export use case, if this version of it takes one."""
    if "progress" not in inspect.signature(exports.export).parameters:
        return {}

    def progress(done: int, total: int) -> None:
        with db.session() as session:
            export_job_progress(session, job_id, done, total)

    return {"progress": progress}


def _build(db: Database, settings: Settings, actor: Actor, job: ExportJobInfo,
           flt: exports.ExportFilter) -> None:
    name = f"export-{job.id}.{SUFFIX[job.format]}"
    directory = settings.exports_dir
    try:
        with db.session() as session:
            export_job_started(session, job.id)
        directory.mkdir(parents=True, exist_ok=True)
        key = ensure_key(settings.home)[0] if job.format == "bundle" else None
        with authority(settings.get("evidence.tsa_url")):
            summary = exports.export(db, actor, job.format, directory / name, flt,
                                     signing_key=key, zone=settings.get("web.timezone"),
                                     deadlines=deadlines_from(settings),
                                     **_progress_keyword(db, job.id))
    except Exception as exc:  # recorded on the job: the page shows it
        reason = exc.message if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        log.warning("export_failed job=%s reason=%s", job.id, reason)
        with db.session() as session:
            export_job_finished(session, job.id, now=datetime.now(UTC), file_name=None,
                                error=reason[:2000])
        return
    with db.session() as session:
        export_job_finished(session, job.id, now=datetime.now(UTC), file_name=name,
                            items=int(summary.get("items", 0)))


def _visible(db: Database, actor: Actor, job_id: int) -> ExportJobInfo:
    require(actor, Right.EXPORT)
    try:
        with db.reader() as session:
            job = get_export_job(session, job_id)
    except RowNotFound:
        raise NotFound(N_("no export {id}"), id=job_id) from None
    if job.owner != actor.name and not can(actor, Right.OTHERS_EXPORTS):
        raise PermissionDenied(N_("export {id} belongs to {owner}"), id=job_id, owner=job.owner)
    return job


def export_job(db: Database, actor: Actor, job_id: int) -> ExportJobInfo:
    """A job as its progress page shows it."""
    return _visible(db, actor, job_id)


def download_export(db: Database, settings: Settings, actor: Actor, job_id: int) -> Download:
    """The finished file, with an `export.download` audit entry naming who took it."""
    job = _visible(db, actor, job_id)
    path = settings.exports_dir / job.file_name if job.file_name else None
    if job.status != "done" or path is None or not path.is_file():
        raise NotFound(N_("export {id} has no file to download"), id=job_id)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="export.download", entity="export",
                     entity_id=job.file_name, details={"job": job.id, "owner": job.owner,
                                                       "format": job.format})
    return Download(path, job.file_name or path.name, MEDIA[job.format])
