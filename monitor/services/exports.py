"""Exports and the checks on them: evidence leaves Pantau only through here, audited.

An export needs `Right.EXPORT`; its audit entry records the filter, the count and, for a bundle,
the manifest's SHA-256, so `pantau verify` can later show that a bundle is one exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from monitor.errors import N_, InvalidInput, ServiceError
from monitor.evidence.keys import DeploymentKey
from monitor.export import FORMATS, ExportFilter, Progress, find_export_in_audit, write_export
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import AuditCheck, append_audit, verify_log
from storage.cases import Deadlines
from storage.db import Database
from storage.errors import os_reason
from storage.reviews import REVIEW_STATUSES

__all__ = ["ExportFilter", "RecordedExport", "export", "recorded_export", "verify_audit"]


@dataclass(frozen=True)
class RecordedExport:
    audit_entry: int
    at: str


def _check(fmt: str, flt: ExportFilter) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(N_("format must be one of {choices}"), choices=", ".join(FORMATS))
    if flt.status is not None and flt.status not in REVIEW_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"),
                           choices=", ".join(REVIEW_STATUSES))


def export(db: Database, actor: Actor, fmt: str, out: Path | BinaryIO, flt: ExportFilter, *,
           signing_key: DeploymentKey | None = None, progress: Progress | None = None,
           zone: str = "UTC", excel: bool = False, pdf: bool = True,
           deadlines: Deadlines | None = None) -> dict[str, Any]:
    """Write the export to `out` (a path, or an open binary stream such as stdout); returns its
    summary. One `export` audit entry. A bundle is signed with the deployment key
    (`monitor.evidence.keys.ensure_key`). `progress(done, total)` is called as items are
    written (a web job shows it); `zone` is the time zone of reports and `excel` CSV."""
    require(actor, Right.EXPORT)
    _check(fmt, flt)
    if fmt == "bundle" and signing_key is None:
        raise InvalidInput(N_("an evidence bundle is signed: the deployment key is needed"))
    shown = str(out) if isinstance(out, Path) else "-"
    try:
        summary = write_export(db, fmt, out, flt, actor=actor.name, signing_key=signing_key,
                               zone=zone, excel=excel, pdf=pdf, progress=progress,
                               deadlines=deadlines)
    except OSError as exc:
        raise ServiceError(N_("cannot write {path}: {reason}"), path=shown,
                           reason=os_reason(exc)) from None  # a short reason when known
    with db.session() as session:
        append_audit(session, actor=actor.name, action="export", entity="export",
                     entity_id=out.name if isinstance(out, Path) else "-",
                     details={k: v for k, v in summary.items() if k != "out"}
                     | flt.fields() | {"excel": excel})
    return summary


def recorded_export(db: Database, manifest_sha256: str) -> RecordedExport | None:
    """The audit entry that recorded an export with this manifest, if this database has one.
    Reading it needs no right: it only confirms what the bundle's holder already has."""
    with db.reader() as session:
        entry = find_export_in_audit(session, manifest_sha256)
    return None if entry is None else RecordedExport(entry.id, entry.at.isoformat())


def verify_audit(db: Database, actor: Actor) -> AuditCheck:
    """The audit chain and every decision, user and source row bound to it."""
    require(actor, Right.ADMINISTER)
    with db.reader() as session:
        return verify_log(session)
