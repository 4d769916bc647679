"""The one place the steps meet: check → score → store → enqueue flagged for review → audit.

Imported and scraped posts both come through `ingest_items`, one batch at a time:
1. every record is checked at the storage boundary (storage/validation.py); a bad one is
   rejected with its reason, the others go on;
2. posts that are new or changed are scored *before* the write transaction (a read only), so a
   writer holds the database lock for milliseconds, not for the model's time; a scorer failing
   on the batch is retried item by item and only the items it still fails on are rejected;
3. the batch is stored in one transaction (posts, versions, scores, queue items): a crash keeps
   all of it or none, and re-running stores nothing twice (dedupe on platform, external_id).
   A transient conflict (SQLite's lock, a PostgreSQL deadlock or serialization failure) retries
   the transaction (bounded, logged); any other failure retries the batch item by item and
   rejects only the items that still fail.
Every batch reconciles: fetched = new + updated + unchanged + duplicates + rejected.

A rejection's reason (and any other note in `IngestStats.errors`) is English text that users
read (`pantau import`, `pantau scrape`): each is a `storage.errors.Message`, its template marked
N_ in the cli catalog, so that the command line prints it in the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlalchemy.exc import InterfaceError, OperationalError

from monitor.import_run import ImportRun, read_ahead
from monitor.ingest_stats import COUNTS, IngestStats
from storage.db import Database
from storage.errors import N_, Message, TemplatedError
from storage.import_evidence import RawLine, attach_raw_lines
from storage.interchange import LineResult
from storage.posts import AuthorCache, StoredPost, content_sha256, store_posts
from storage.records import InvalidRecord, PostRecord
from storage.retry import write_with_retry
from storage.reviews import ScoreRow, add_scores, enqueue, note_post_changes
from storage.scoring import stored_state, unscored_posts
from storage.validation import check_record

__all__ = [
    "COUNTS",
    "IngestStats",
    "Item",
    "Scorer",
    "import_lines",
    "ingest_items",
    "score_unscored",
]

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


@dataclass(frozen=True, slots=True)
class Item:
    """One incoming post: its record, where it came from (`line N`, or `platform/id`) for the
    rejection reasons, and the snapshot it was read from."""

    record: PostRecord
    where: str
    snapshot_id: int | None = None
    line: int | None = None
    checked: bool = False  # already through check_record (the codec's records are)
    raw: RawLine | None = None  # an imported line: stored as the snapshot of what it produced


Rejecter = Callable[[Item, str], None]
SYSTEMIC = (OperationalError, InterfaceError)
"""Failures of the database, not of an item (connection lost, lock never granted): they fail
the import or run (the cursor does not move) instead of rejecting every item in turn."""
Key = tuple[str, str]


def _key(item: Item) -> Key:
    return (item.record.platform, item.record.external_id)


def _line(number: int) -> Message:
    """Where an imported item came from, `line N`, in the reader's language where shown."""
    return Message(N_("line {number}"), number=number)


def _brief(exc: BaseException) -> str:
    """A failure as `Kind: first line` (cut at 300 characters); a storage or classifier error
    of one short line as a `Message`, so that its text is translated with the reason's."""
    text = str(exc)
    if isinstance(exc, TemplatedError) and "\n" not in text and len(text) <= 300:
        # "{kind}: {error}" is structure, no message id: only the error's template translates
        return Message("{kind}: {error}", kind=type(exc).__name__, error=exc.as_message())
    return f"{type(exc).__name__}: {text.splitlines()[0][:300] if text else ''}"


def _checked(items: Sequence[Item], stats: IngestStats, reject: Rejecter) -> list[Item]:
    """Items that pass the storage boundary's checks; a repeat in one batch: last copy wins."""
    valid = []
    for item in items:
        try:
            if not item.checked:
                check_record(item.record)
        except InvalidRecord as exc:
            reject(item, exc.text)  # a Message: the CLI reports it translated
            continue
        valid.append(item)
    last = {_key(item): index for index, item in enumerate(valid)}
    unique = [item for index, item in enumerate(valid) if last[_key(item)] == index]
    stats.duplicates += len(valid) - len(unique)
    return unique


def _predict(scorer: Scorer, records: Sequence[PostRecord],
             statuses: Sequence[str]) -> list[PredictionLike | BaseException]:
    """Predictions for a batch; when the batch fails, item by item, so one post that breaks
    the model costs only that post (its exception takes its place)."""
    try:
        return list(scorer.predict(records, statuses))
    except Exception as exc:  # noqa: BLE001 (isolation)
        log.warning("scoring a batch of %d failed (%s); scoring item by item", len(records), _brief(exc))
    out: list[PredictionLike | BaseException] = []
    for record, status in zip(records, statuses, strict=True):
        try:
            out.append(scorer.predict([record], [status])[0])
        except Exception as exc:  # noqa: BLE001 (isolation)
            out.append(exc)
    return out


Predictions = dict[Key, tuple[str, PredictionLike]]


def _prescore(db: Database, items: list[Item], scorer: Scorer | None,
              reject: Rejecter) -> tuple[list[Item], Predictions]:
    """Score what is new or changed, outside any write; drop the items the model fails on."""
    if scorer is None or not items:
        return items, {}
    with db.reader() as session:
        states = stored_state(session, [i.record for i in items])
    digests = [content_sha256(i.record) for i in items]
    todo = [n for n, (state, digest) in enumerate(zip(states, digests, strict=False)) if state.content_sha256 != digest]
    results = _predict(scorer, [items[n].record for n in todo], [states[n].asn_status for n in todo])
    predictions: Predictions = {}
    failed: set[int] = set()
    for n, result in zip(todo, results, strict=True):
        if isinstance(result, BaseException):
            failed.add(n)
            reject(items[n], Message(N_("scoring failed: {error}"), error=_brief(result)))
        else:
            predictions[_key(items[n])] = (digests[n], result)
    return [item for n, item in enumerate(items) if n not in failed], predictions


def _score_row(stored: StoredPost, prediction: PredictionLike) -> ScoreRow:
    return ScoreRow(post_id=stored.id, post_version=stored.version,
                    model_version=prediction.model_version, score=float(prediction.score),
                    threshold=float(prediction.threshold), flagged=bool(prediction.flagged),
                    category=prediction.category, explanation=[list(t) for t in prediction.explanation])


def _write_scores(session: Any, rows: list[ScoreRow], updated: dict[int, float | None]) -> int:
    """Score rows, queue items of flagged posts, stale marks of edited ones (post-id order)."""
    rows = sorted(rows, key=lambda r: r.post_id)
    add_scores(session, rows)
    queued = enqueue(session, [r for r in rows if r.flagged])
    for row in rows:
        if row.post_id in updated:
            updated[row.post_id] = row.score
    if updated:
        note_post_changes(session, dict(sorted(updated.items())))
    return queued


@dataclass
class _Written:
    stored: list[StoredPost]
    rows: list[ScoreRow]
    queued: int
    unscored: list[StoredPost]  # changed by another writer between scoring and storing


def _store(session: Any, items: Sequence[Item], predictions: Predictions, scoring: bool,
           source_id: int | None, cache: AuthorCache | None) -> _Written:
    stored = store_posts(session, [i.record for i in items], source_id=source_id,
                         snapshot_ids=[i.snapshot_id for i in items], author_cache=cache,
                         checked=True)
    raw_links = [(post.id, post.version, item.raw) for post, item in zip(stored, items, strict=True)
                 if item.raw is not None and post.outcome in ("new", "updated")]
    attach_raw_lines(session, raw_links, source_id=source_id)
    rows, unscored = [], []
    updated: dict[int, float | None] = {}
    for post in stored:
        if post.outcome == "unchanged":
            continue
        if post.outcome == "updated":
            updated[post.id] = None
        known = predictions.get((post.record.platform, post.record.external_id))
        if known and known[0] == content_sha256(post.record):
            rows.append(_score_row(post, known[1]))
        elif scoring:
            unscored.append(post)
    queued = _write_scores(session, rows, updated)
    return _Written(stored, rows, queued, unscored)


def _count(stats: IngestStats, written: _Written) -> None:
    for post in written.stored:
        setattr(stats, post.outcome, getattr(stats, post.outcome) + 1)
    stats.scored += len(written.rows)
    stats.flagged += sum(r.flagged for r in written.rows)
    stats.queued += written.queued


def _store_isolated(db: Database, items: list[Item], predictions: Predictions, scorer: Scorer | None,
                    source_id: int | None, cache: AuthorCache | None,
                    stats: IngestStats, reject: Rejecter) -> list[StoredPost]:
    """The batch in one transaction; if it fails (not transiently), item by item."""
    def attempt(part: Sequence[Item]) -> _Written:
        return write_with_retry(db, lambda s: _store(s, part, predictions, scorer is not None,
                                                     source_id, cache), on_retry=_forget(cache))
    try:
        written = [attempt(items)]
    except SYSTEMIC:
        raise
    except Exception as exc:  # noqa: BLE001 (isolation)
        if cache is not None:
            cache.clear()
        if len(items) == 1:
            reject(items[0], Message(N_("not stored: {error}"), error=_brief(exc)))
            return []
        log.warning("storing a batch of %d failed (%s); storing item by item", len(items), _brief(exc))
        written = []
        for item in items:
            try:
                written.append(attempt([item]))
            except SYSTEMIC:
                raise  # the database itself is unreachable: no item is to blame
            except Exception as item_exc:  # noqa: BLE001 (isolation)
                reject(item, Message(N_("not stored: {error}"), error=_brief(item_exc)))
    for part in written:
        _count(stats, part)
    return [post for part in written for post in part.unscored]


def _forget(cache: AuthorCache | None) -> Callable[[], None]:
    """A rolled-back transaction may have filled the author cache with rows it never kept."""
    return cache.clear if cache is not None else (lambda: None)


def _score_late(db: Database, posts: list[StoredPost], scorer: Scorer, stats: IngestStats) -> None:
    """Posts another writer changed between our scoring and our write: scored now, in a
    second short transaction. A failure here leaves them stored unscored (`pantau score`)."""
    results = _predict(scorer, [p.record for p in posts], [p.asn_status for p in posts])
    rows = [_score_row(p, r) for p, r in zip(posts, results, strict=False) if not isinstance(r, BaseException)]
    updated: dict[int, float | None] = {p.id: None for p in posts if p.outcome == "updated"}
    try:
        queued = write_with_retry(db, lambda s: _write_scores(s, rows, dict(updated)))
    except Exception as exc:  # noqa: BLE001 (isolation)
        stats.note(Message(N_("{count} posts stored but not scored: {error}"), count=len(rows),
                           error=_brief(exc)))
        return
    stats.scored += len(rows)
    stats.flagged += sum(r.flagged for r in rows)
    stats.queued += queued
    if len(rows) < len(posts):
        stats.note(Message(N_("{count} posts stored but not scored (the model failed)"),
                           count=len(posts) - len(rows)))


def ingest_items(
    db: Database, items: Sequence[Item], *, scorer: Scorer | None, source_id: int | None = None,
    author_cache: AuthorCache | None = None, on_reject: Rejecter | None = None,
) -> IngestStats:
    """Check, score, store one batch (its own transactions); reconciled stats."""
    stats = IngestStats(fetched=len(items))

    def reject(item: Item, reason: str) -> None:
        stats.reject(item.where, reason)
        if on_reject:
            on_reject(item, reason)

    unique = _checked(items, stats, reject)
    scorable, predictions = _prescore(db, unique, scorer, reject)
    late = _store_isolated(db, scorable, predictions, scorer, source_id, author_cache, stats, reject)
    if late and scorer is not None:
        _score_late(db, late, scorer, stats)
    return stats


def import_lines(
    db: Database, lines: Iterable[LineResult], *, scorer: Scorer | None, source_id: int | None = None,
    on_error: Callable[[LineResult], None] | None = None,
    on_batch: Callable[[IngestStats], None] | None = None, actor: str = "cli",
    batch_size: int = BATCH_SIZE, origin: str = "",
) -> IngestStats:
    """Import interchange lines in batches; bad lines are reported, never stop the good ones.

    The import is on record from its first moment: an `import.start` audit entry and a
    `source_runs` row are committed before any post, and completed (`import.finish`, counts)
    at the end, also when it fails; a killed import leaves its start entry and `running` row.
    """
    run = ImportRun.begin(db, actor=actor, origin=origin, source_id=source_id)
    authors: AuthorCache = {}

    def line_rejected(item: Item, reason: str) -> None:
        if on_error:
            on_error(LineResult(item.line or 0, None, error=reason))

    try:
        for chunk in _chunks(read_ahead(lines, batch_size), batch_size):
            if len(authors) > AUTHOR_CACHE_MAX:  # bounded: memory stays flat on huge files
                authors.clear()
            stats = IngestStats()
            items = []
            for line in chunk:
                if line.record is None:
                    stats.fetched += 1
                    stats.reject(_line(line.line), line.error or Message(N_("rejected")))
                    if on_error:
                        on_error(line)
                else:
                    raw = (RawLine(line.original, line.original_type or "application/octet-stream",
                                   f"import:{origin or '-'}#line={line.line}")
                           if line.original is not None else None)
                    items.append(Item(line.record, _line(line.line), line=line.line,
                                      checked=line.checked, raw=raw))
            stats.add(ingest_items(db, items, scorer=scorer, source_id=source_id,
                                   author_cache=authors, on_reject=line_rejected))
            run.add(stats)
            if on_batch:
                on_batch(stats)
    except BaseException as exc:
        run.finish(db, failure=exc)
        raise
    run.finish(db)
    return run.total


def _chunks(lines: Iterable[LineResult], size: int) -> Iterable[list[LineResult]]:
    chunk: list[LineResult] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_unscored(db: Database, scorer: Scorer, *, batch_size: int = BATCH_SIZE) -> IngestStats:
    """Score stored posts whose current version has no score yet (stored with --no-classify,
    or while no model was active), and queue the flagged ones. Scoring runs outside the write;
    a post the model fails on stays unscored and is named in `errors`."""
    total = IngestStats()
    last_id = 0
    while True:
        with db.reader() as session:
            stored = unscored_posts(session, after_id=last_id, limit=batch_size)
        if not stored:
            return total
        last_id = stored[-1].id
        results = _predict(scorer, [s.record for s in stored], [s.asn_status for s in stored])
        rows = []
        for post, result in zip(stored, results, strict=True):
            if isinstance(result, BaseException):
                total.note(Message(N_("post {id}: scoring failed: {error}"), id=post.id,
                                   error=_brief(result)))
            else:
                rows.append(_score_row(post, result))
        total.queued += write_with_retry(db, partial(_write_scores, rows=rows, updated={}))
        total.scored += len(rows)
        total.flagged += sum(r.flagged for r in rows)
