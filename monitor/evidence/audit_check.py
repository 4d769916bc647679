"""A bundle against the database at hand: its export entry, on a chain intact up to it.

Finding an audit row that names the manifest's hash is not enough: anyone who can write to the
database can append such a row. The row counts only if the hash chain from the first entry up to
it is intact, and if it records the same signing key as the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from monitor.evidence.bundle_format import MANIFEST
from monitor.evidence.text import _
from storage.audit_anchor import find_export_entry, verify_chain_through

__all__ = ["ExportRecord", "check_export_record"]


@dataclass(frozen=True)
class ExportRecord:
    entry_id: int | None
    at: str | None
    chain_entries: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any] | None:
        if self.entry_id is None:
            return None
        return {"audit_entry": self.entry_id, "at": self.at, "chain_entries": self.chain_entries,
                "chain_intact": not self.problems}


def check_export_record(session: Session, manifest_sha256: str,
                        signer: str | None) -> ExportRecord:
    entry = find_export_entry(session, manifest_sha256)
    if entry is None:
        return ExportRecord(None, None, 0, [_(
            "{name} is not recorded in this database's audit log: the bundle was not exported "
            "from here, or its manifest was rewritten").format(name=MANIFEST)])
    count, broken = verify_chain_through(session, entry.id)
    problems = []
    if broken is not None:
        problems.append(_("the audit entry {id} that records this export is not on an intact "
                          "chain: entry {broken}: {reason}").format(
                              id=entry.id, broken=broken.entry_id, reason=broken.reason))
    recorded = entry.details.get("signing_key")
    if signer is not None and recorded is not None and recorded != signer:
        problems.append(_("the export recorded in audit entry {id} was signed by key {recorded}, "
                          "this bundle by {signer}").format(id=entry.id, recorded=recorded,
                                                            signer=signer))
    return ExportRecord(entry.id, entry.at.isoformat(), count, problems)
