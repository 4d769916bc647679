"""One review item as a reviewer opens it: the item in full, the hold it takes for the opener,
the raw snapshots, the author's other flagged posts, posts with the same text, the source's
ASN status, and the neighbours in queue order; a raw snapshot on its own."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.policy import Actor, Right
from monitor.services.guard import require
from monitor.services.holds import open_item
from monitor.services.review import show
from storage.db import Database
from storage.holds import Hold, current_hold
from storage.item_extras import (
    AuthorPost,
    SnapshotBody,
    SnapshotInfo,
    other_posts_by_author,
    post_snapshots,
    snapshot_body,
    source_asn_status,
)
from storage.near_duplicates import SameText, same_text
from storage.queue_search import neighbours
from storage.review_items import ItemDetail

__all__ = ["BODIES_SHOWN", "ItemView", "item_view", "raw_snapshot"]

BODIES_SHOWN = 3  # the newest snapshots whose bodies the page shows as text


@dataclass(frozen=True)
class ItemView:
    detail: ItemDetail
    hold: Hold | None
    snapshots: list[SnapshotInfo]
    bodies: dict[int, SnapshotBody]  # snapshot id → body, for the newest BODIES_SHOWN
    others: list[AuthorPost]
    source_asn: str | None
    same_text: SameText | None
    previous: int | None
    following: int | None


def item_view(db: Database, actor: Actor, review_id: int, *, hold: bool = True) -> ItemView:
    """The item; with `hold`, opening it to work on it holds it for this reviewer (a pending
    item, or a second review of someone else's finding)."""
    require(actor, Right.VIEW_QUEUE)
    detail = show(db, actor, review_id)
    held = open_item(db, actor, review_id, detail.status, detail.reviewer) if hold else None
    with db.reader() as session:
        snapshots = post_snapshots(session, detail.post_id)
        bodies = {s.id: b for s in snapshots[:BODIES_SHOWN]
                  if (b := snapshot_body(session, review_id, s.id)) is not None}
        previous, following = neighbours(session, review_id, detail.status)
        return ItemView(
            detail=detail, hold=held if hold else current_hold(session, review_id),
            snapshots=snapshots, bodies=bodies,
            others=other_posts_by_author(session, detail.post_id),
            source_asn=source_asn_status(session, detail.post_id),
            same_text=same_text(session, detail.post_id), previous=previous,
            following=following)


def raw_snapshot(db: Database, actor: Actor, review_id: int, snapshot_id: int) -> SnapshotBody | None:
    """One raw capture of the item's post (None when it is not one of that post's)."""
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        return snapshot_body(session, review_id, snapshot_id)
