"""The raw evidence of imported posts: each imported line, byte-exact, as the post's snapshot.

A scraped post is backed by the response it was read from; an imported one by the line (JSONL)
or header and row (CSV) of the file it came from. Stored like a response (content-addressed
blob, a snapshot row with its content type, linked to the post version it produced), in the
transaction that stores the post, so an imported post never exists without its evidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from storage.dialect import bulk_insert_ignore
from storage.models import Blob, PostSnapshot, SnapshotRow

__all__ = ["RawLine", "attach_raw_lines"]

IMPORT_STATUS = 0  # not an HTTP response: the snapshot is a line of an imported file


@dataclass(frozen=True, slots=True)
class RawLine:
    body: bytes
    content_type: str
    origin: str  # `import:<file name>#line=<n>`: where the line was read (unique in a batch)


def attach_raw_lines(session: Session, links: Sequence[tuple[int, int, RawLine]], *,
                     source_id: int | None = None, now: datetime | None = None) -> None:
    """One snapshot per (post id, post version, line), linked to that version."""
    if not links:
        return
    now = now or datetime.now(UTC)
    digests = [hashlib.sha256(raw.body).hexdigest() for _, _, raw in links]
    blobs = {digest: raw.body for digest, (_, _, raw) in zip(digests, links, strict=True)}
    bulk_insert_ignore(session.connection(), Blob.__table__,
                       [{"sha256": d, "size": len(b), "body": b} for d, b in sorted(blobs.items())],
                       ["sha256"])
    headers: dict[str, dict[str, str]] = {}  # one object per type: serialised once a batch
    rows = [{"source_id": source_id, "url": raw.origin, "status": IMPORT_STATUS,
             "headers": headers.setdefault(raw.content_type, {"content-type": raw.content_type}),
             "sha256": digest, "fetched_at": now,
             "truncated": False} for digest, (_, _, raw) in zip(digests, links, strict=True)]
    conn = session.connection()
    # Multi-row VALUES (a round trip per few thousand rows); each line's origin names it once.
    ids = dict((url, snapshot_id) for snapshot_id, url in bulk_insert_ignore(
        conn, SnapshotRow.__table__, rows, ["id"], returning=["id", "url"]))
    bulk_insert_ignore(conn, PostSnapshot.__table__,
                       [{"post_id": post_id, "snapshot_id": ids[raw.origin], "post_version": version}
                        for post_id, version, raw in links], ["post_id", "snapshot_id"])
