"""Which bundle folder an exported item goes to: a post in no case to `posts/<post-id>/` at
once, a case's items together to `cases/<case-id>/` with the case's fields (`cases show --json`:
terlapor, steps, clock, history) once every one of them has been read.

The items arrive in review-id order, so a case's items may be far apart; only the items of
cases not yet complete are held, never the whole export.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.evidence import bundle_format as layout
from storage.cases import Deadlines, case_document, case_ids_for_reviews, case_record
from storage.exports import ExportItem, ExportQuery, export_case_counts

__all__ = ["Folder", "FolderRouter"]


@dataclass(frozen=True)
class Folder:
    """Where items go in a bundle, and the case they belong to (None: a post in no case)."""

    path: str
    case: dict[str, Any] | None = None


class FolderRouter:
    """Groups the export's items into folders as they are read (see the module docstring)."""

    def __init__(self, session: Session, flt: ExportQuery, *, deadlines: Deadlines,
                 now: datetime) -> None:
        self.session, self.deadlines, self.now = session, deadlines, now
        self.expected = export_case_counts(session, flt)
        self.pending: dict[int, list[ExportItem]] = {}

    def route(self, items: Sequence[ExportItem]) -> Iterator[tuple[Folder, list[ExportItem]]]:
        """The folders completed by this batch of items."""
        cases = (case_ids_for_reviews(self.session, [item.review_id for item in items])
                 if self.expected else {})
        for item in items:
            case_id = cases.get(item.review_id)
            if case_id is None:
                yield Folder(layout.post_folder(item.post_id)), [item]
                continue
            group = self.pending.setdefault(case_id, [])
            group.append(item)
            if len(group) >= self.expected.get(case_id, 0):
                yield self._case_folder(case_id), self.pending.pop(case_id)

    def rest(self) -> Iterator[tuple[Folder, list[ExportItem]]]:
        """Cases whose items changed while the export ran (fewer arrived than were counted)."""
        for case_id in sorted(self.pending):
            yield self._case_folder(case_id), self.pending.pop(case_id)

    def _case_folder(self, case_id: int) -> Folder:
        record = case_record(self.session, case_id, deadlines=self.deadlines, now=self.now)
        return Folder(layout.case_folder(case_id), case_document(record))
