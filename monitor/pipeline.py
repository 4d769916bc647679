"""The one place the steps meet: store → classify → enqueue flagged for review → audit.

Imported and scraped posts both come through `ingest_batch`. Each batch is one transaction, so a
crash leaves either the whole batch (posts, scores, queue items) or none of it; re-running stores
nothing twice because posts dedupe on (platform, external_id).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from queue import Empty, Queue
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from monitor.posts_view import post_record
from storage.audit import append_audit
from storage.db import Database
from storage.models import Author, Post, Score
from storage.posts import AuthorCache, StoredPost, store_posts
from storage.reader import LineResult
from storage.records import PostRecord
from storage.reviews import ScoreRow, add_scores, enqueue, note_post_changes

__all__ = ["Scorer", "IngestStats", "ingest_batch", "import_lines", "score_unscored"]

log = logging.getLogger(__name__)
BATCH_SIZE = 2000
AUTHOR_CACHE_MAX = 20_000


class PredictionLike(Protocol):
    score: float
    flagged: bool
    model_version: str
    threshold: float
    category: str | None
    explanation: Sequence[Sequence[Any]]


class Scorer(Protocol):
    """What the pipeline needs of a model (classifier.Model provides it)."""

    version: str

    def predict(self, records: Sequence[PostRecord],
                asn_status: Sequence[str | None] | None = None) -> Sequence[PredictionLike]: ...


@dataclass
class IngestStats:
    received: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    scored: int = 0
    flagged: int = 0
    queued: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "IngestStats") -> None:
        for name in ("received", "new", "updated", "unchanged", "rejected", "scored", "flagged",
                     "queued"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


def _score(session: Session, stored: Sequence[StoredPost], scorer: Scorer) -> list[ScoreRow]:
    predictions = scorer.predict([s.record for s in stored], [s.asn_status for s in stored])
    return [
        ScoreRow(post_id=s.id, post_version=s.version, model_version=p.model_version,
                 score=float(p.score), threshold=float(p.threshold), flagged=bool(p.flagged),
                 category=p.category, explanation=[list(t) for t in p.explanation])
        for s, p in zip(stored, predictions, strict=True)
    ]


def _score_and_enqueue(session: Session, stored: Sequence[StoredPost],
                       scorer: Scorer) -> tuple[list[ScoreRow], int]:
    """Score rows written and flagged posts queued; returns (rows, queue items opened)."""
    rows = _score(session, stored, scorer)
    add_scores(session, rows)
    return rows, enqueue(session, [r for r in rows if r.flagged])


def ingest_batch(
    session: Session, records: Sequence[PostRecord], *, scorer: Scorer | None,
    source_id: int | None = None, snapshot_ids: Sequence[int | None] | None = None,
    author_cache: AuthorCache | None = None,
) -> tuple[IngestStats, list[StoredPost]]:
    """Store one batch and score what is new or changed, in the caller's transaction."""
    stats = IngestStats(received=len(records))
    stored = store_posts(session, records, source_id=source_id, snapshot_ids=snapshot_ids,
                         author_cache=author_cache)
    for item in stored:
        setattr(stats, item.outcome, getattr(stats, item.outcome) + 1)
    changed = [s for s in stored if s.outcome != "unchanged"]
    scores: dict[int, float | None] = {s.id: None for s in changed if s.outcome == "updated"}
    if scorer is not None and changed:
        rows, stats.queued = _score_and_enqueue(session, changed, scorer)
        stats.scored, stats.flagged = len(rows), sum(r.flagged for r in rows)
        scores.update((r.post_id, r.score) for r in rows if r.post_id in scores)
    if scores:
        note_post_changes(session, scores)
    return stats, stored


def _read_ahead(lines: Iterable[LineResult], chunk: int, depth: int = 4) -> Iterator[LineResult]:
    """Parse in a second thread while this one stores: the sqlite/psycopg calls release the GIL,
    so decoding the next batch overlaps writing this one. The bounded queue keeps memory flat."""
    queue: Queue[list[LineResult] | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            buffer: list[LineResult] = []
            for line in lines:
                buffer.append(line)
                if len(buffer) >= chunk:
                    queue.put(buffer)
                    buffer = []
                    if stop.is_set():
                        return
            queue.put(buffer)
            queue.put(None)
        except BaseException as exc:  # re-raised in the consumer
            queue.put(exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                queue.get_nowait()
            except Empty:
                thread.join(0.05)


def import_lines(
    db: Database, lines: Iterable[LineResult], *, scorer: Scorer | None, source_id: int | None = None,
    on_error: Callable[[LineResult], None] | None = None,
    on_batch: Callable[[IngestStats], None] | None = None, actor: str = "cli",
    batch_size: int = BATCH_SIZE, origin: str = "",
) -> IngestStats:
    """Import interchange lines in batches; bad lines are reported, never stop the good ones."""
    total = IngestStats()
    batch: list[PostRecord] = []
    authors: AuthorCache = {}

    def flush() -> None:
        if len(authors) > AUTHOR_CACHE_MAX:  # bounded: memory stays flat on huge files
            authors.clear()
        try:
            with db.session() as session:
                stats, _ = ingest_batch(session, batch, scorer=scorer, source_id=source_id,
                                        author_cache=authors)
        except BaseException:
            authors.clear()  # it may name rows of the rolled-back batch
            raise
        total.add(stats)
        if on_batch:
            on_batch(stats)
        batch.clear()

    try:
        for line in _read_ahead(lines, batch_size):
            if line.record is None:
                total.rejected += 1
                total.errors.append(f"line {line.line}: {line.error}")
                if on_error:
                    on_error(line)
                continue
            batch.append(line.record)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    finally:  # what was committed is on record even when a later batch failed
        with db.session() as session:
            append_audit(session, actor=actor, action="import", entity="posts",
                         entity_id=origin or None, details=total.as_dict())
    return total


def score_unscored(db: Database, scorer: Scorer, *, batch_size: int = BATCH_SIZE) -> IngestStats:
    """Score stored posts whose current version has no score yet (stored with --no-classify,
    or while no model was active), and queue the flagged ones."""
    total = IngestStats()
    last_id = 0
    while True:
        with db.session() as session:
            found = session.execute(
                select(Post, Author).outerjoin(Author, Author.id == Post.author_id)
                .where(Post.id > last_id, ~exists().where(and_(
                    Score.post_id == Post.id, Score.post_version == Post.version)))
                .order_by(Post.id).limit(batch_size)
            ).all()
            if not found:
                return total
            last_id = found[-1][0].id
            stored = [StoredPost(p.id, post_record(p, a), p.version, "unchanged",
                                 a.asn_status if a else "unknown") for p, a in found]
            rows, queued = _score_and_enqueue(session, stored, scorer)
        total.scored += len(rows)
        total.flagged += sum(r.flagged for r in rows)
        total.queued += queued
