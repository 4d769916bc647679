"""The counts of one ingest (a batch, an import, a source run), and the rule they obey:
fetched = new + updated + unchanged + duplicates + rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.errors import Message

__all__ = ["COUNTS", "MAX_ERRORS", "IngestStats"]

COUNTS = ("fetched", "new", "updated", "unchanged", "duplicates", "rejected")
MAX_ERRORS = 1000  # reasons kept in memory; the counts stay exact however many there are


@dataclass
class IngestStats:
    """`fetched`: items read (lines of a file, records an adapter returned); each ends as
    exactly one of new, updated, unchanged, duplicates (a repeat of an earlier item of the same
    batch/run) or rejected (with its reason in `errors`). Scores are counted beside."""

    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    scored: int = 0
    flagged: int = 0
    queued: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def received(self) -> int:
        """Former name of `fetched`."""
        return self.fetched

    def note(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def reject(self, where: str, reason: str) -> None:
        """One item rejected: `where: reason`, a `Message` (either part may be one, translated
        where it is shown; the pattern itself is structure, no message id)."""
        self.rejected += 1
        self.note(Message("{where}: {reason}", where=where, reason=reason))

    def add(self, other: IngestStats) -> None:
        for name in (*COUNTS, "scored", "flagged", "queued"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for message in other.errors:
            self.note(message)

    def reconciles(self) -> bool:
        return self.fetched == self.new + self.updated + self.unchanged + self.duplicates + self.rejected

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in (*COUNTS, "scored", "flagged", "queued")}
