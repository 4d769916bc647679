"""Reading collected posts (`pantau posts list`, the web app's post views)."""

from __future__ import annotations

from monitor.errors import N_, InvalidInput
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.db import Database
from storage.post_listing import ListedPost
from storage.post_listing import list_posts as stored_posts

__all__ = ["ListedPost", "list_posts"]


def list_posts(db: Database, actor: Actor, *, source: str | None = None, flagged: bool = False,
               limit: int = 20, after: int | None = None) -> list[ListedPost]:
    """Newest first; a removed source's posts still list under its name; `after` a post id:
    the page of older posts that follows it (keyset)."""
    require(actor, Right.VIEW_QUEUE)
    if not 1 <= limit <= 100_000:
        raise InvalidInput(N_("limit must be 1 to 100000"))
    with db.reader() as session:
        return stored_posts(session, source=source, flagged=flagged, limit=limit, after=after)
