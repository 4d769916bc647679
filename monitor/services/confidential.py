"""The confidential channel for pressured ASN (`/lapor`): receiving a report (anonymous), checking its
status by code (anonymous), and leads' access — every read and change of a report audited.

Submissions are not audited on purpose: an audit entry would record the exact time of a report,
which the report itself keeps only to the day.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.errors import N_, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.reports import (
    REPORT_STATUSES,
    ReportDetail,
    ReportInput,
    ReportSummary,
    get_report,
    list_reports,
    report_status,
    set_report_status,
    store_report,
)

__all__ = [
    "ALLOWED_TYPES",
    "TEXT_LIMITS",
    "Attachment",
    "receive",
    "report",
    "reports",
    "sniff_type",
    "status_of",
    "update_status",
]

ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf",
                 "text/plain": ".txt"}
TEXT_LIMITS = {"what": 10_000, "instructed_by": 500, "position": 500, "occurred": 300,
               "place": 500, "links": 3_000}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def sniff_type(data: bytes) -> str | None:
    """The attachment's real type from its first bytes (the browser's claim is not trusted)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if b"\x00" not in data else None


def _clean_name(name: str, kind: str) -> str:
    base = "".join(ch for ch in name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
                   if ch.isalnum() or ch in "._- ")[:100].strip(" .") or "lampiran"
    return base if base.lower().endswith(ALLOWED_TYPES[kind]) else base + ALLOWED_TYPES[kind]


def receive(db: Database, fields: dict[str, str], attachment: Attachment | None) -> str:
    """Store a report; returns the follow-up code. Only `what` is required."""
    values = {k: (fields.get(k) or "").strip() for k in TEXT_LIMITS}
    if not values["what"]:
        raise InvalidInput(N_("Please describe what you were asked to do."))
    for key, limit in TEXT_LIMITS.items():
        if len(values[key]) > limit:
            raise InvalidInput(N_("The field {field} is too long (at most {limit} characters)."),
                               field=key, limit=limit)
    kind = name = None
    data = None
    if attachment is not None and attachment.data:
        kind = sniff_type(attachment.data)
        if kind is None:
            raise InvalidInput(N_("The attachment must be a JPEG or PNG image, a PDF or a text "
                                  "file."))
        name, data = _clean_name(attachment.name, kind), attachment.data
    with db.session() as session:
        _id, code = store_report(session, ReportInput(**values, attachment_name=name,
                                                      attachment_type=kind, attachment=data))
    return code


def status_of(db: Database, code: str) -> tuple[str, str | None] | None:
    if not code.strip() or len(code) > 40:
        return None
    with db.reader() as session:
        found = report_status(session, code)
    return None if found is None else (found[0], found[1])


def reports(db: Database, actor: Actor) -> list[ReportSummary]:
    require(actor, Right.VIEW_REPORTS)
    with db.session() as session:
        rows = list_reports(session)
        append_audit(session, actor=actor.name, action="report.list", entity="report",
                     details={"shown": [r.id for r in rows]})
    return rows


def report(db: Database, actor: Actor, report_id: int, *, part: str = "report") -> ReportDetail:
    """One report (`part` says what was opened: report or attachment), the access audited."""
    require(actor, Right.VIEW_REPORTS)
    with db.session() as session:
        found = get_report(session, report_id)
        if found is None:
            raise NotFound(N_("no report {id}"), id=report_id)
        append_audit(session, actor=actor.name, action=f"report.view_{part}", entity="report",
                     entity_id=report_id, details={})
    return found


def update_status(db: Database, actor: Actor, report_id: int, status: str,
                  note: str | None) -> None:
    require(actor, Right.VIEW_REPORTS)
    if status not in REPORT_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"), choices=", ".join(REPORT_STATUSES))
    with db.session() as session:
        if not set_report_status(session, report_id, status, note):
            raise NotFound(N_("no report {id}"), id=report_id)
        append_audit(session, actor=actor.name, action="report.status", entity="report",
                     entity_id=report_id, details={"status": status, "note": note})
