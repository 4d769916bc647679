"""Exports and the checks on them: evidence leaves Pantau only through here, audited.

An export needs `Right.EXPORT`; its audit entry records the filter, the count and, for a bundle,
the manifest's SHA-256, so `pantau verify` can later show that a bundle is one exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from monitor.errors import N_, InvalidInput, ServiceError
from monitor.export import FORMATS, ExportFilter, find_export_in_audit, write_export
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import AuditCheck, append_audit, verify_log
from storage.db import Database
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


def export(db: Database, actor: Actor, fmt: str, out: Path, flt: ExportFilter) -> dict[str, Any]:
    """Write the export to `out`; returns its summary. One `export` audit entry."""
    require(actor, Right.EXPORT)
    _check(fmt, flt)
    try:
        summary = write_export(db, fmt, out, flt, actor=actor.name)
    except OSError as exc:
        raise ServiceError(N_("cannot write {path}: {reason}"), path=str(out),
                           reason=exc.strerror or str(exc)) from None
    since = flt.since.astimezone(UTC).isoformat() if flt.since else None
    with db.session() as session:
        append_audit(session, actor=actor.name, action="export", entity="export",
                     entity_id=out.name, details={k: v for k, v in summary.items() if k != "out"}
                     | {"status": flt.status, "since": since, "region": flt.region})
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
