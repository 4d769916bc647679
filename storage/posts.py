"""Storing posts: dedupe on (platform, external_id), keep every earlier version, link snapshots.

Works in batches with Core statements: the importer and the scrapers push thousands of posts a
second through here, so each batch costs a handful of round trips, not one per post.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Sequence

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from storage.dialect import insert_ignore
from storage.models import Author, Post, PostSnapshot, PostVersion
from storage.records import PostRecord

__all__ = ["StoredPost", "content_sha256", "store_posts", "author_key"]

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class StoredPost:
    id: int
    record: PostRecord
    version: int
    outcome: Outcome
    asn_status: str


def content_sha256(record: PostRecord) -> str:
    """Hash of what a reader sees: text and media. A change here makes a new version."""
    payload = json.dumps([record.text, [[m.url, m.type] for m in record.media]], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def author_key(record: PostRecord) -> str | None:
    author = record.author
    if author.handle:
        return author.handle
    if author.name:
        return f"name:{author.name}"
    return None


def _upsert_authors(
    session: Session, records: Sequence[PostRecord], now: datetime
) -> dict[tuple[str, str], tuple[int, str]]:
    wanted: dict[tuple[str, str], PostRecord] = {}
    for record in records:
        key = author_key(record)
        if key is not None:
            wanted[(record.platform, key)] = record
    if not wanted:
        return {}
    rows = [
        {"platform": p, "handle": h, "name": r.author.name, "bio": r.author.bio,
         "url": r.author.url, "asn_status": "unknown", "first_seen_at": now}
        for (p, h), r in wanted.items()
    ]
    session.execute(insert_ignore(session, Author.__table__, ["platform", "handle"]), rows)
    found = session.execute(
        select(Author.id, Author.platform, Author.handle, Author.name, Author.bio, Author.asn_status)
        .where(tuple_(Author.platform, Author.handle).in_(list(wanted)))
    ).all()
    result = {}
    for row in found:
        record = wanted[(row.platform, row.handle)]
        if (record.author.name, record.author.bio) != (row.name, row.bio) and (
            record.author.name or record.author.bio
        ):
            session.execute(update(Author).where(Author.id == row.id).values(
                name=record.author.name or row.name, bio=record.author.bio or row.bio))
        result[(row.platform, row.handle)] = (row.id, row.asn_status)
    return result


def _post_row(
    record: PostRecord, author_id: int | None, source_id: int | None, now: datetime, digest: str
) -> dict[str, object]:
    return {
        "platform": record.platform, "external_id": record.external_id, "url": record.url,
        "author_id": author_id, "text": record.text, "posted_at": record.posted_at,
        "collected_at": now, "source_id": source_id, "region": record.region,
        "media": [{"url": m.url, "type": m.type} for m in record.media] or None,
        "label": record.label, "category": record.category, "hard_case": record.hard_case,
        "extra": dict(record.extra) or None, "content_sha256": digest, "version": 1,
        "status": "active",
    }


def store_posts(
    session: Session,
    records: Sequence[PostRecord],
    *,
    source_id: int | None = None,
    snapshot_ids: Sequence[int | None] | None = None,
    now: datetime | None = None,
) -> list[StoredPost]:
    """Insert new posts, version changed ones, skip unchanged ones; one result per input record.

    A post repeated inside one batch is stored once (the last copy wins).
    """
    now = now or datetime.now(UTC)
    snapshots = list(snapshot_ids) if snapshot_ids is not None else [None] * len(records)
    latest: dict[tuple[str, str], int] = {}
    for index, record in enumerate(records):
        latest[(record.platform, record.external_id)] = index
    authors = _upsert_authors(session, [records[i] for i in latest.values()], now)
    existing = {
        (row.platform, row.external_id): row
        for row in session.execute(
            select(Post.id, Post.platform, Post.external_id, Post.content_sha256, Post.version,
                   Post.text, Post.url, Post.media, Post.collected_at)
            .where(tuple_(Post.platform, Post.external_id).in_(list(latest)))
        )
    }
    digests = {key: content_sha256(records[i]) for key, i in latest.items()}
    new_rows, results, links = [], {}, []
    for key, index in latest.items():
        record = records[index]
        author = authors.get((record.platform, author_key(record) or ""), (None, "unknown"))
        row = existing.get(key)
        if row is None:
            new_rows.append(_post_row(record, author[0], source_id, now, digests[key]))
        elif row.content_sha256 == digests[key]:
            results[key] = StoredPost(row.id, record, row.version, "unchanged", author[1])
        else:
            version = row.version + 1
            session.add(PostVersion(
                post_id=row.id, version=row.version, text=row.text, url=row.url, media=row.media,
                content_sha256=row.content_sha256, collected_at=row.collected_at, replaced_at=now))
            session.execute(update(Post).where(Post.id == row.id).values(
                text=record.text, url=record.url or row.url, content_sha256=digests[key],
                media=[{"url": m.url, "type": m.type} for m in record.media] or None,
                version=version, collected_at=now, status="active"))
            results[key] = StoredPost(row.id, record, version, "updated", author[1])
            links.append((row.id, snapshots[index], version))
    if new_rows:
        inserted = session.execute(
            insert_ignore(session, Post.__table__, ["platform", "external_id"])
            .returning(Post.id, Post.platform, Post.external_id), new_rows,
        ).all()
        for row in inserted:
            key = (row.platform, row.external_id)
            record = records[latest[key]]
            status = authors.get((record.platform, author_key(record) or ""), (None, "unknown"))[1]
            results[key] = StoredPost(row.id, record, 1, "new", status)
            links.append((row.id, snapshots[latest[key]], 1))
    _link_snapshots(session, links)
    missing = [key for key in latest if key not in results]
    if missing:  # inserted meanwhile by another process: theirs is the stored copy
        for row in session.execute(
            select(Post.id, Post.platform, Post.external_id, Post.version)
            .where(tuple_(Post.platform, Post.external_id).in_(missing))
        ):
            key = (row.platform, row.external_id)
            results[key] = StoredPost(row.id, records[latest[key]], row.version, "unchanged", "unknown")
    out = []
    for index, record in enumerate(records):
        key = (record.platform, record.external_id)
        stored = results[key]
        if index != latest[key]:
            stored = StoredPost(stored.id, record, stored.version, "unchanged", stored.asn_status)
        out.append(stored)
    return out


def _link_snapshots(session: Session, links: list[tuple[int, int | None, int]]) -> None:
    rows = [{"post_id": p, "snapshot_id": s, "post_version": v} for p, s, v in links if s is not None]
    if rows:
        session.execute(insert_ignore(session, PostSnapshot.__table__, ["post_id", "snapshot_id"]), rows)
