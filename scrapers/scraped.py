"""Finishing a parsed record into the ScrapedPost an adapter returns."""

from __future__ import annotations

import dataclasses

from scrapers.base import ScrapedPost, SourceConfig
from storage.records import PostRecord

__all__ = ["scraped"]


def scraped(record: PostRecord, source: SourceConfig, snapshot: int) -> ScrapedPost:
    """Wrap a parsed record, filling the region from the source when the post has none."""
    if record.region is None and source.region:
        record = dataclasses.replace(record, region=source.region)
    return ScrapedPost(record=record, snapshot=snapshot)
