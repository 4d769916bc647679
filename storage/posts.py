"""Storing posts: dedupe on (platform, external_id), keep every earlier version, link snapshots.

Works in batches with Core statements: the importer and the scrapers push thousands of posts a
second through here, so each batch costs a handful of round trips, not one per post.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from storage.dialect import bulk_insert_ignore, insert_ignore, select_by_keys
from storage.models import AuthorRow, Post, PostSnapshot, PostVersion
from storage.records import PostRecord
from storage.review_columns import sync_review_columns
from storage.validation import check_record

__all__ = ["AuthorCache", "StoredPost", "author_key", "content_sha256", "public_handle", "store_posts"]

AUTHORS = AuthorRow.__table__
POSTS = Post.__table__

Outcome = Literal["new", "updated", "unchanged"]


class _Existing(NamedTuple):
    id: int
    platform: str
    external_id: str
    content_sha256: str
    version: int
    posted_at: datetime | None
    region: str | None
    label: int | None
    category: str | None
    hard_case: str | None
    extra: dict[str, Any] | None


_METADATA = ("posted_at", "region", "label", "category", "hard_case")


def _metadata_update(row: _Existing, record: PostRecord) -> dict[str, Any]:
    """What a re-sent post adds without changing its content: labels, dates, region, fields."""
    values: dict[str, Any] = {}
    for name in _METADATA:
        given = getattr(record, name)
        if given is not None and given != getattr(row, name):
            values[name] = given
    merged = {**(row.extra or {}), **record.extra}
    if merged != (row.extra or {}):
        values["extra"] = merged
    return values


@dataclass(frozen=True, slots=True)
class StoredPost:
    id: int
    record: PostRecord
    version: int
    outcome: Outcome
    asn_status: str


def content_sha256(record: PostRecord) -> str:
    """Hash of what a reader sees: text and media. A change here makes a new version.

    SHA-256 of the UTF-8 text, then for each media item a NUL, its type, a space and its URL (NUL
    cannot occur in a URL or type, so the encoding is unambiguous) — reproducible by anyone
    checking an export."""
    digest = hashlib.sha256(record.text.encode("utf-8", "surrogatepass"))
    for media in record.media:
        digest.update(f"\x00{media.type} {media.url}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def public_handle(stored_handle: str) -> str:
    """The handle as users know it: authors known only by name are keyed "name:<name>"."""
    return "" if stored_handle.startswith("name:") else stored_handle


def author_key(record: PostRecord) -> str | None:
    author = record.author
    if author.handle:
        return author.handle
    if author.name:  # a derived key: PostgreSQL's String column cannot hold NUL
        name = author.name.replace("\x00", "")
        return f"name:{name[:200]}" if name else None
    return None


AuthorCache = dict[tuple[str, str], tuple[int, str, str, str]]
"""(platform, handle) → (id, asn_status, name, bio): lets one long import skip authors it has
already stored. Only valid for the process's own, committed batches."""


def _upsert_authors(
    session: Session, records: Sequence[PostRecord], now: datetime, cache: AuthorCache | None,
) -> dict[tuple[str, str], tuple[int, str]]:
    wanted: dict[tuple[str, str], PostRecord] = {}
    result: dict[tuple[str, str], tuple[int, str]] = {}
    for record in records:
        key = author_key(record)
        if key is None:
            continue
        known = cache.get((record.platform, key)) if cache is not None else None
        if known and (record.author.name or known[2], record.author.bio or known[3]) == known[2:]:
            result[(record.platform, key)] = known[:2]
        else:
            wanted[(record.platform, key)] = record
    if not wanted:
        return result
    conn = session.connection()
    columns = ["id", "platform", "handle", "name", "bio", "asn_status"]
    # Sorted keys everywhere: concurrent writers take row locks in one order, so none deadlocks.
    keys = sorted(wanted)
    found = select_by_keys(conn, AUTHORS, ["platform", "handle"], keys, columns)
    present = {(row[1], row[2]) for row in found}
    missing = [key for key in keys if key not in present]
    if missing:
        bulk_insert_ignore(conn, AUTHORS, [
            {"platform": p, "handle": h, "name": wanted[(p, h)].author.name,
             "bio": wanted[(p, h)].author.bio, "url": wanted[(p, h)].author.url,
             "asn_status": "unknown", "first_seen_at": now} for p, h in missing
        ], ["platform", "handle"])
        found += select_by_keys(conn, AUTHORS, ["platform", "handle"], missing, columns)
    changed = []
    for author_id, platform, handle, old_name, old_bio, asn_status in found:
        author = wanted[(platform, handle)].author
        name, bio = author.name or old_name, author.bio or old_bio
        if (name, bio) != (old_name, old_bio):
            changed.append({"author_id": author_id, "new_name": name, "new_bio": bio})
        result[(platform, handle)] = (author_id, asn_status)
        if cache is not None:
            cache[(platform, handle)] = (author_id, asn_status, name, bio)
    if changed:  # a profile edited since last seen: keep the latest name and bio
        changed.sort(key=lambda row: row["author_id"])
        conn.execute(
            update(AuthorRow).where(AuthorRow.id == bindparam("author_id"))
            .values(name=bindparam("new_name"), bio=bindparam("new_bio")), changed)
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
    author_cache: AuthorCache | None = None,
    checked: bool = False,
) -> list[StoredPost]:
    """Insert new posts, version changed ones, skip unchanged ones; one result per input record.

    Every record is checked first (storage/validation.py: InvalidRecord names the first one the
    database could not hold), unless the caller says it has just checked them (`checked`). A
    post repeated inside one batch is stored once (the last copy
    wins). Rows are written in key order and, on PostgreSQL, the stored rows are locked before
    they are versioned, so concurrent writers neither deadlock nor lose an edit.
    """
    now = now or datetime.now(UTC)
    snapshots = list(snapshot_ids) if snapshot_ids is not None else [None] * len(records)
    if not checked:
        for record in records:
            check_record(record)
    latest: dict[tuple[str, str], int] = {}
    for index, record in enumerate(records):
        latest[(record.platform, record.external_id)] = index
    latest = dict(sorted(latest.items()))
    authors = _upsert_authors(session, [records[i] for i in latest.values()], now, author_cache)
    conn = session.connection()
    digests = {key: content_sha256(records[i]) for key, i in latest.items()}
    author_of = {key: authors.get((key[0], author_key(records[i]) or ""), (None, "unknown"))
                 for key, i in latest.items()}
    results: dict[tuple[str, str], StoredPost] = {}
    links: list[tuple[int, int | None, int]] = []
    # Insert first: a new post costs one statement; only keys that conflicted are looked up.
    for post_id, platform, external_id in bulk_insert_ignore(
        conn, POSTS,
        [_post_row(records[i], author_of[key][0], source_id, now, digests[key])
         for key, i in latest.items()],
        ["platform", "external_id"], returning=["id", "platform", "external_id"],
    ):
        key = (platform, external_id)
        results[key] = StoredPost(post_id, records[latest[key]], 1, "new", author_of[key][1])
        links.append((post_id, snapshots[latest[key]], 1))
    seen = [key for key in latest if key not in results]
    resynced: list[int] = []
    for row in map(_Existing._make, select_by_keys(
            conn, POSTS, ["platform", "external_id"], seen, _Existing._fields, lock=True)):
        key = (row.platform, row.external_id)
        index = latest[key]
        record, status = records[index], author_of[key][1]
        metadata = _metadata_update(row, record)
        if metadata:
            session.execute(update(Post).where(Post.id == row.id).values(**metadata))
            if "region" in metadata or "posted_at" in metadata:
                resynced.append(row.id)
        if row.content_sha256 == digests[key]:
            results[key] = StoredPost(row.id, record, row.version, "unchanged", status)
            continue
        version = row.version + 1
        old = session.get_one(Post, row.id)
        session.add(PostVersion(
            post_id=row.id, version=row.version, text=old.text, url=old.url, media=old.media,
            content_sha256=row.content_sha256, collected_at=old.collected_at, replaced_at=now))
        session.execute(update(Post).where(Post.id == row.id).values(
            text=record.text, url=record.url or old.url, content_sha256=digests[key],
            media=[{"url": m.url, "type": m.type} for m in record.media] or None,
            version=version, collected_at=now, status="active"))
        results[key] = StoredPost(row.id, record, version, "updated", status)
        links.append((row.id, snapshots[index], version))
    _link_snapshots(session, links)
    if resynced:
        sync_review_columns(session, resynced)
    _group(session, results.values())
    out = []
    for index, record in enumerate(records):
        key = (record.platform, record.external_id)
        stored = results[key]
        if index != latest[key]:
            stored = StoredPost(stored.id, record, stored.version, "unchanged", stored.asn_status)
        out.append(stored)
    return out


def _group(session: Session, stored: Iterable[StoredPost]) -> None:
    """New and edited posts join their near-duplicate groups in the same transaction."""
    from storage.near_duplicates import assign_groups  # it imports this module

    changed = [s for s in stored if s.outcome != "unchanged"]
    if changed:
        assign_groups(session, [(s.id, s.record.text) for s in changed],
                      replace=[s.id for s in changed if s.outcome == "updated"])


def _link_snapshots(session: Session, links: list[tuple[int, int | None, int]]) -> None:
    rows = [{"post_id": p, "snapshot_id": s, "post_version": v} for p, s, v in links if s is not None]
    if rows:
        session.execute(insert_ignore(session, PostSnapshot.__table__, ["post_id", "snapshot_id"]), rows)
