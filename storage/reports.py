"""The confidential channel: reports by civil servants pressured to campaign (/lapor).

Stored apart from posts. Nothing identifies the reporter beyond what they chose to write: no
address, no user agent, the day received (not the time), and the follow-up code only as its
sha256 — the reporter holds the code, the database cannot give it back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ConfidentialReport

__all__ = [
    "REPORT_STATUSES",
    "ReportDetail",
    "ReportInput",
    "ReportSummary",
    "code_hash",
    "get_report",
    "list_reports",
    "new_code",
    "report_status",
    "set_report_status",
    "store_report",
]

REPORT_STATUSES = ("received", "in_review", "followed_up", "closed")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


@dataclass(frozen=True)
class ReportInput:
    what: str
    instructed_by: str = ""
    position: str = ""
    occurred: str = ""
    place: str = ""
    links: str = ""
    attachment_name: str | None = None
    attachment_type: str | None = None
    attachment: bytes | None = None


@dataclass(frozen=True)
class ReportSummary:
    id: int
    received_on: datetime
    status: str
    what: str
    has_attachment: bool


@dataclass(frozen=True)
class ReportDetail:
    id: int
    received_on: datetime
    status: str
    status_note: str | None
    updated_at: datetime
    instructed_by: str
    position: str
    occurred: str
    place: str
    what: str
    links: str
    attachment_name: str | None
    attachment_type: str | None
    attachment: bytes | None


def new_code() -> str:
    """A follow-up code such as `K7QD-M2XP-9RTA-WF3H` (80 random bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def store_report(session: Session, report: ReportInput) -> tuple[int, str]:
    """Store one report: (its id, the follow-up code to give the reporter)."""
    now = datetime.now(UTC)
    code = new_code()
    row = ConfidentialReport(
        code_sha256=code_hash(code), received_on=now.replace(hour=0, minute=0, second=0,
                                                             microsecond=0),
        instructed_by=report.instructed_by, position=report.position, occurred=report.occurred,
        place=report.place, what=report.what, links=report.links,
        attachment_name=report.attachment_name, attachment_type=report.attachment_type,
        attachment=report.attachment, status="received", updated_at=now)
    session.add(row)
    session.flush()
    return row.id, code


def report_status(session: Session, code: str) -> tuple[str, str | None, datetime] | None:
    """(status, note for the reporter, last update) of the report with this code, else None."""
    row = session.execute(
        select(ConfidentialReport.status, ConfidentialReport.status_note,
               ConfidentialReport.updated_at)
        .where(ConfidentialReport.code_sha256 == code_hash(code))).first()
    return None if row is None else (row[0], row[1], row[2])


def list_reports(session: Session, limit: int = 200) -> list[ReportSummary]:
    rows = session.execute(
        select(ConfidentialReport.id, ConfidentialReport.received_on, ConfidentialReport.status,
               ConfidentialReport.what, ConfidentialReport.attachment_name)
        .order_by(ConfidentialReport.id.desc()).limit(limit))
    return [ReportSummary(id=r[0], received_on=r[1], status=r[2], what=r[3][:200],
                          has_attachment=r[4] is not None) for r in rows]


def get_report(session: Session, report_id: int) -> ReportDetail | None:
    row = session.get(ConfidentialReport, report_id)
    if row is None:
        return None
    return ReportDetail(
        id=row.id, received_on=row.received_on, status=row.status, status_note=row.status_note,
        updated_at=row.updated_at, instructed_by=row.instructed_by, position=row.position,
        occurred=row.occurred, place=row.place, what=row.what, links=row.links,
        attachment_name=row.attachment_name, attachment_type=row.attachment_type,
        attachment=row.attachment)


def set_report_status(session: Session, report_id: int, status: str, note: str | None) -> bool:
    if status not in REPORT_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REPORT_STATUSES)}")
    row = session.get(ConfidentialReport, report_id)
    if row is None:
        return False
    row.status, row.status_note, row.updated_at = status, note, datetime.now(UTC)
    session.flush()
    return True
