"""What one source run reads and writes of its source: the source itself, its snapshots, its
health and cursor, and the deletion marks of posts gone from its listing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.dialect import insert_ignore
from storage.models import Blob, Post, SnapshotRow, Source
from storage.stored_errors import error_fields, joined_error_fields

__all__ = [
    "RunSource",
    "SnapshotLike",
    "load_run_source",
    "mark_deleted",
    "record_source_failure",
    "record_source_success",
    "store_snapshots",
]

@dataclass(frozen=True, slots=True)
class RunSource:
    id: int
    name: str
    type: str
    url: str
    region: str | None
    options: Mapping[str, Any]
    cursor: Mapping[str, Any]


class SnapshotLike(Protocol):
    """A fetched response (scrapers.base.Snapshot) as far as storage needs it."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def sha256(self) -> str: ...
    @property
    def fetched_at(self) -> datetime: ...
    @property
    def truncated(self) -> bool: ...


def load_run_source(session: Session, name: str) -> RunSource | None:
    row = session.scalar(select(Source).where(Source.name == name))
    if row is None:
        return None
    return RunSource(id=row.id, name=row.name, type=row.type, url=row.url, region=row.region,
                     options=dict(row.options or {}), cursor=dict(row.cursor or {}))


def store_snapshots(session: Session, source_id: int, snapshots: Sequence[SnapshotLike]) -> list[int]:
    """Bodies content-addressed (stored once), one snapshot row each; returns their ids."""
    if not snapshots:
        return []
    session.execute(insert_ignore(session, Blob.__table__, ["sha256"]),
                    [{"sha256": s.sha256, "size": len(s.body), "body": s.body} for s in snapshots])
    rows = [SnapshotRow(source_id=source_id, url=s.url, status=s.status, headers=dict(s.headers),
                        sha256=s.sha256, fetched_at=s.fetched_at, truncated=s.truncated)
            for s in snapshots]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def record_source_failure(session: Session, source_id: int, message: str, now: datetime, *,
                          template: str | None = None,
                          params: Mapping[str, Any] | None = None) -> None:
    """A failed run in the source's health: `message` the English text, with the template and
    values it renders (a scraper's error) when there are some, to be shown translated."""
    session.execute(update(Source).where(Source.id == source_id).values(
        last_run_at=now, last_error_at=now, consecutive_failures=Source.consecutive_failures + 1,
        **error_fields(message, template, params)))


def record_source_success(session: Session, source_id: int, *, cursor: Mapping[str, Any],
                          new: int, errors: Sequence[str], now: datetime) -> None:
    """A run that succeeded; with `errors` (a page or an item failed: English texts, a
    `storage.errors.Message` where it has a template), they are its last error, with their
    templates and values when they fit (stored_errors.joined_error_fields)."""
    values: dict[str, Any] = {"cursor": dict(cursor), "last_run_at": now, "last_success_at": now,
                              "consecutive_failures": 0,
                              "posts_collected": Source.posts_collected + new}
    if errors:
        values.update(joined_error_fields(errors), last_error_at=now)
    session.execute(update(Source).where(Source.id == source_id).values(**values))


def mark_deleted(session: Session, source_id: int, listing: frozenset[str] | None,
                 since: datetime | None, now: datetime) -> int:
    """Posts of the listed window absent from the listing → `possibly_deleted`; listed ones
    marked before come back `active`. Returns how many were marked."""
    if listing is None or since is None:
        return 0
    visible = sorted(listing)
    gone = session.execute(
        update(Post).where(Post.source_id == source_id, Post.status == "active",
                           Post.posted_at >= since, Post.external_id.not_in(visible))
        .values(status="possibly_deleted", status_changed_at=now)
        .execution_options(synchronize_session=False))
    if visible:
        session.execute(
            update(Post).where(Post.source_id == source_id, Post.status == "possibly_deleted",
                               Post.external_id.in_(visible))
            .values(status="active", status_changed_at=now)
            .execution_options(synchronize_session=False))
    return int(getattr(gone, "rowcount", 0) or 0)
