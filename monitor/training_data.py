"""Reviewers' completed decisions as training data: what the data team retrains from (the rule
is storage.post_listing.reviewed_records's)."""

from __future__ import annotations

from storage.db import Database
from storage.post_listing import reviewed_records as stored_reviews
from storage.records import PostRecord

__all__ = ["reviewed_records"]


def reviewed_records(db: Database) -> list[PostRecord]:
    with db.reader() as session:
        return stored_reviews(session)
