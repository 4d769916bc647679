"""Near-duplicate groups: the backfill of posts stored before grouping existed.

New posts are grouped as they are stored (storage.posts → storage.near_duplicates), in the
same transaction; this use case walks the older ones in id order, a batch per transaction, so
it can be stopped and run again. Needs `Right.IMPORT` (the operator may run it) and is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.near_duplicates import assign_groups, ungrouped_posts

__all__ = ["backfill"]


def backfill(db: Database, actor: Actor, *, batch: int = 2000,
             on_batch: Callable[[int], None] | None = None) -> int:
    """Group every post without band keys; returns how many were processed."""
    require(actor, Right.IMPORT)
    after, done = 0, 0
    while True:
        with db.session() as session:
            posts = ungrouped_posts(session, after, batch)
            if not posts:
                break
            assign_groups(session, posts)
        after, done = posts[-1][0], done + len(posts)
        if on_batch is not None:
            on_batch(done)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="groups.backfill", entity="posts",
                     details={"posts": done})
    return done
