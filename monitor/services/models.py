"""The model registry's use cases: train a candidate, promote it, roll back — each audited.

The registry lives on disk (classifier.ModelRegistry); the audit entry goes to the database in a
transaction around the registry change, so a refused change leaves no entry and an entry is
never written for a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.config import Settings
from monitor.errors import N_, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require
from monitor.services.runtime import model_registry
from storage.audit import append_audit
from storage.db import Database
from storage.records import PostRecord

if TYPE_CHECKING:  # the classifier (scikit-learn) loads only when a model is needed
    from classifier import ModelInfo

__all__ = ["Trained", "list_models", "train", "promote", "rollback"]


@dataclass(frozen=True)
class Trained:
    version: str
    path: Path
    threshold: float
    records: int
    reviews: int
    metrics: dict[str, Any]


def list_models(settings: Settings, actor: Actor) -> list[ModelInfo]:
    require(actor, Right.VIEW_MODELS)
    return model_registry(settings).list()


def train(db: Database, actor: Actor, settings: Settings, files: Sequence[PostRecord],
          reviews: Sequence[PostRecord], *, seed: int = 0) -> Trained:
    """A new candidate version from the seed corpus, `files` and reviewed items; not active."""
    from classifier import build_training_set, train_model

    require(actor, Right.TRAIN)
    records = build_training_set(list(files), extra_records=list(reviews))
    try:
        model = train_model(records, recall_target=settings.get("classifier.recall_target"),
                            seed=seed)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with db.session() as session:
        path = model_registry(settings).save(model)
        append_audit(session, actor=actor.name, action="model.train", entity="model",
                     entity_id=model.version, details={
                         "records": len(records), "reviews": len(reviews),
                         "threshold": model.threshold,
                         "cross_validated": model.metadata["metrics"].get("cross_validated")})
    return Trained(model.version, path, model.threshold, len(records), len(reviews),
                   dict(model.metadata["metrics"]))


def promote(db: Database, actor: Actor, settings: Settings, version: str) -> str:
    """Make `version` the active model (it must load first)."""
    from classifier import ClassifierError

    require(actor, Right.PROMOTE)
    registry = model_registry(settings)
    with db.session() as session:
        try:
            previous = next((i.version for i in registry.list() if i.active), None)
            registry.load(version)  # refuse to activate an artifact that would not load
            registry.promote(version)
        except ClassifierError as exc:
            raise NotFound(N_("cannot promote {version}: {reason}"), version=version,
                           reason=str(exc)) from None
        append_audit(session, actor=actor.name, action="model.promote", entity="model",
                     entity_id=version, details={"previous": previous})
    return version


def rollback(db: Database, actor: Actor, settings: Settings) -> str:
    """Re-activate the previously active model; returns its version."""
    from classifier import ClassifierError

    require(actor, Right.PROMOTE)
    registry = model_registry(settings)
    with db.session() as session:
        previous = next((i.version for i in registry.list() if i.active), None)
        try:
            version = registry.rollback()
        except ClassifierError as exc:
            raise NotFound(N_("cannot roll back: {reason}"), reason=str(exc)) from None
        append_audit(session, actor=actor.name, action="model.rollback", entity="model",
                     entity_id=version, details={"previous": previous})
    return version
