"""Reading stored posts back as interchange records (interfaces.md §1 plus id, source, score)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import Author, Post, Source
from storage.posts import public_handle
from storage.reviews import latest_scores
from storage.records import Author as RecordAuthor
from storage.records import Media, PostRecord, record_to_dict

__all__ = ["post_record", "list_posts"]


def post_record(post: Post, author: Author | None) -> PostRecord:
    return PostRecord(
        platform=post.platform, external_id=post.external_id, text=post.text, url=post.url,
        author=RecordAuthor(handle=public_handle(author.handle), name=author.name, bio=author.bio, url=author.url)
        if author else RecordAuthor(),
        posted_at=post.posted_at, region=post.region,
        media=tuple(Media(url=m["url"], type=m["type"]) for m in post.media or ()),
        label=post.label, category=post.category, hard_case=post.hard_case,
        extra=post.extra or {},
    )


def list_posts(db: Database, *, source: str | None = None, flagged: bool = False,
               limit: int = 20) -> list[dict[str, Any]]:
    """Newest first (ids grow with collection); score is the post's latest score."""
    latest = latest_scores()
    query = (select(Post, Author, Source.name, latest.c.score, latest.c.flagged, latest.c.model_version)
             .outerjoin(Author, Author.id == Post.author_id)
             .outerjoin(Source, Source.id == Post.source_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .order_by(Post.id.desc()).limit(limit))
    if source:
        query = query.where(Source.name == source)
    if flagged:
        query = query.where(latest.c.flagged.is_(True))
    items = []
    with db.reader() as session:
        for post, author, source_name, score, is_flagged, model_version in session.execute(query):
            item = record_to_dict(post_record(post, author))
            item.update(id=post.id, source=source_name, collected_at=post.collected_at.isoformat(),
                        score=score, flagged=bool(is_flagged) if score is not None else None,
                        model_version=model_version, status=post.status, version=post.version)
            items.append(item)
    return items
