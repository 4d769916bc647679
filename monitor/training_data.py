"""Reviewers' decisions as training data: what the data team retrains from.

A confirmed item becomes a positive with the reviewer's category (else the predicted one); a
rejected item a negative. Escalated and pending items are undecided and left out. The text is
the post's current version, which is the one the reviewer saw.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from monitor.posts_view import post_record
from storage.db import Database
from storage.models import Author, Post, Review
from storage.records import PostRecord
from storage.reviews import latest_scores

__all__ = ["reviewed_records"]


def reviewed_records(db: Database) -> list[PostRecord]:
    latest = latest_scores()
    query = (select(Review.status, Review.category, latest.c.category, Post, Author)
             .join(Post, Post.id == Review.post_id)
             .outerjoin(Author, Author.id == Post.author_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .where(Review.status.in_(("confirmed", "rejected")))
             .order_by(Review.id))
    records = []
    with db.reader() as session:
        for status, category, predicted, post, author in session.execute(query):
            record = post_record(post, author)
            if status == "confirmed":
                extra = {**record.extra, "author_is_asn": True}
                record = replace(record, label=1, category=category or predicted, hard_case=None,
                                 extra=extra)
            else:
                record = replace(record, label=0, category=None)
            records.append(record)
    return records
