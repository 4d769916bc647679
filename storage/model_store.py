"""The model registry's rows: versions with their artifact bytes, and the active pointer as a
history of activations (the newest row is the active version), shared by every node.

Re-scoring after an activation is claimed with one conditional UPDATE, so of several nodes
exactly one does it; its score rows are added beside the old ones (kept with their model
version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import AuthorRow, ModelActivation, ModelVersion, Post, Review, Score
from storage.posts import StoredPost
from storage.reviews import ScoreRow
from storage.scoring import _record

__all__ = [
    "Activation", "VersionRow", "activations", "active_activation", "add_activation",
    "add_model_version", "claim_rescore", "finish_rescore", "get_model_version",
    "has_model_version", "list_model_versions", "posts_to_rescore", "replace_scores",
]


@dataclass(frozen=True)
class VersionRow:
    version: str
    sha256: str
    threshold: float
    meta: dict[str, Any]
    metrics: dict[str, Any]
    fingerprint: str | None
    composition: dict[str, Any]
    origin: str
    created_by: str
    created_at: datetime
    report: dict[str, Any]
    report_html: str | None
    text_fingerprints: list[str]


@dataclass(frozen=True)
class Activation:
    id: int
    version: str
    previous: str | None
    action: str
    actor: str
    reason: str | None
    at: datetime
    rescore_done_at: datetime | None
    rescored: int


def _version_row(row: ModelVersion) -> VersionRow:
    return VersionRow(row.version, row.sha256, row.threshold, dict(row.meta or {}),
                      dict(row.metrics or {}), row.fingerprint, dict(row.composition or {}),
                      row.origin, row.created_by, row.created_at, dict(row.report or {}),
                      row.report_html, list(row.text_fingerprints or []))


def _activation(row: ModelActivation) -> Activation:
    return Activation(row.id, row.version, row.previous, row.action, row.actor, row.reason,
                      row.at, row.rescore_done_at, row.rescored)


def add_model_version(session: Session, *, version: str, artifact: bytes, sha256: str,
                      threshold: float, meta: dict[str, Any], metrics: dict[str, Any],
                      fingerprint: str | None, composition: dict[str, Any],
                      text_fingerprints: list[str], origin: str, created_by: str,
                      report: dict[str, Any] | None = None, report_html: str | None = None,
                      now: datetime | None = None) -> None:
    session.add(ModelVersion(
        version=version, artifact=artifact, sha256=sha256, threshold=threshold, meta=meta,
        metrics=metrics, fingerprint=fingerprint, composition=composition,
        text_fingerprints=text_fingerprints, report=report or {}, report_html=report_html,
        origin=origin, created_by=created_by, created_at=now or datetime.now(UTC)))
    session.flush()


def has_model_version(session: Session, version: str) -> bool:
    return session.get(ModelVersion, version) is not None


def get_model_version(session: Session, version: str) -> tuple[VersionRow, bytes] | None:
    """The version's row and its artifact bytes, None when unknown."""
    row = session.get(ModelVersion, version)
    return None if row is None else (_version_row(row), bytes(row.artifact))


def list_model_versions(session: Session) -> list[VersionRow]:
    """Every version without its artifact bytes, newest first."""
    rows = session.scalars(select(ModelVersion).order_by(
        ModelVersion.created_at.desc(), ModelVersion.version.desc())).all()
    return [_version_row(r) for r in rows]


def active_activation(session: Session) -> Activation | None:
    """The newest activation (its version is the active model), None before the first."""
    row = session.scalars(select(ModelActivation).order_by(ModelActivation.id.desc())
                          .limit(1)).first()
    return None if row is None else _activation(row)


def activations(session: Session) -> list[Activation]:
    """All activations, oldest first (the pointer's history)."""
    return [_activation(r) for r in
            session.scalars(select(ModelActivation).order_by(ModelActivation.id)).all()]


def add_activation(session: Session, *, version: str, previous: str | None, action: str,
                   actor: str, reason: str | None = None, rescore: bool = True,
                   now: datetime | None = None) -> Activation:
    """A new pointer row; with rescore=False (the first import) nothing is left to re-score."""
    now = now or datetime.now(UTC)
    row = ModelActivation(version=version, previous=previous, action=action, actor=actor,
                          reason=reason, at=now, rescored=0,
                          rescore_done_at=None if rescore else now)
    session.add(row)
    session.flush()
    return _activation(row)


def claim_rescore(session: Session, node: str, *, stale_after: float = 3600.0,
                  now: datetime | None = None) -> Activation | None:
    """Claim the newest activation's re-scoring for `node` (one node wins); None when it is
    done or another node holds a fresh claim. Older activations are superseded: done."""
    now = now or datetime.now(UTC)
    newest = active_activation(session)
    if newest is None or newest.rescore_done_at is not None:
        return None
    session.execute(update(ModelActivation).where(
        ModelActivation.id < newest.id, ModelActivation.rescore_done_at.is_(None))
        .values(rescore_done_at=now).execution_options(synchronize_session=False))
    stale = datetime.fromtimestamp(now.timestamp() - stale_after, UTC)
    claimed = session.execute(update(ModelActivation).where(
        ModelActivation.id == newest.id, ModelActivation.rescore_done_at.is_(None),
        or_(ModelActivation.rescore_by.is_(None), ModelActivation.rescore_started_at < stale))
        .values(rescore_by=node, rescore_started_at=now)
        .execution_options(synchronize_session=False))
    return newest if cast(Any, claimed).rowcount == 1 else None


def finish_rescore(session: Session, activation_id: int, rescored: int,
                   now: datetime | None = None) -> None:
    session.execute(update(ModelActivation).where(ModelActivation.id == activation_id)
                    .values(rescore_done_at=now or datetime.now(UTC), rescored=rescored)
                    .execution_options(synchronize_session=False))


def posts_to_rescore(session: Session, *, since: datetime, after_id: int,
                     limit: int) -> list[StoredPost]:
    """Posts with a pending review, or collected since `since`, by id after `after_id`."""
    pending = exists().where(and_(Review.post_id == Post.id, Review.status == "pending"))
    found = session.execute(
        select(Post, AuthorRow).outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .where(Post.id > after_id, or_(pending, Post.collected_at >= since))
        .order_by(Post.id).limit(limit)).all()
    return [StoredPost(p.id, _record(p, a), p.version, "unchanged",
                       a.asn_status if a else "unknown") for p, a in found]


def replace_scores(session: Session, rows: list[ScoreRow], now: datetime | None = None) -> None:
    """Add `rows` as each post's newest score. A row of the same (post, version, model) — a
    rollback to a model that scored the post before — is replaced by the new one, so the
    newest-by-id rule names it; the other models' rows stay."""
    if not rows:
        return
    table = cast(Table, Score.__table__)
    for row in rows:
        session.execute(delete(table).where(
            table.c.post_id == row.post_id, table.c.post_version == row.post_version,
            table.c.model_version == row.model_version))
    now = now or datetime.now(UTC)
    session.execute(table.insert(), [
        {**row.__dict__, "explanation": [list(t) for t in row.explanation], "scored_at": now}
        for row in rows])
    # the queue's priority follows the newest score
    for row in rows:
        session.execute(update(Review).where(Review.post_id == row.post_id,
                                             Review.status == "pending")
                        .values(priority=row.score).execution_options(synchronize_session=False))


def count_model_versions(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ModelVersion)) or 0)
