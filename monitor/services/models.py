"""The model registry's use cases — train a candidate and compare it with the active model,
promote it (refused when worse unless forced with a reason), roll back — each audited.

The registry lives in the database (storage.model_store): the versions with their artifact
bytes, and the active pointer as a history of activations, so every node sharing the database
sees one active model. On first use the shipped default model (and the versions of the old file
registry under PANTAU_HOME, with its active one) are imported, so existing installs keep going.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor import training_data
from monitor.config import Settings
from monitor.errors import N_, Conflict, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.errors import Message
from storage.model_store import (
    VersionRow,
    activations,
    active_activation,
    add_activation,
    add_model_version,
    claim_rescore,
    finish_rescore,
    get_model_version,
    has_model_version,
    list_model_versions,
    posts_to_rescore,
    replace_scores,
)
from storage.records import PostRecord
from storage.reviews import ScoreRow, enqueue

if TYPE_CHECKING:  # the classifier (scikit-learn) loads only when a model is needed
    from classifier import Model
    from classifier.shipped import ShippedArtifact

__all__ = ["Refused", "Trained", "ModelEntry", "active_model", "active_summary", "active_version",
           "ensure_registry",
           "get_model", "list_models", "load_version", "model_page", "promote", "rescore",
           "rollback", "train"]

log = logging.getLogger(__name__)
SYSTEM = "system"
_CACHE: dict[str, Any] = {}  # sha256 → Model: versions are immutable, so is a loaded one


@dataclass(frozen=True)
class ModelEntry:
    """A registry version as `models list` and /models show it."""

    version: str
    created_at: datetime
    created_by: str
    origin: str
    threshold: float
    active: bool
    metrics: dict[str, Any]
    composition: dict[str, Any]
    fingerprint: str | None


@dataclass(frozen=True)
class Trained:
    version: str
    threshold: float
    records: int
    reviews: int
    metrics: dict[str, Any]
    comparison: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


# --- loading and the first import ---------------------------------------------------------------

def _load_bytes(data: bytes, sha256: str, version: str) -> Model:
    from classifier.registry import load_artifact_bytes

    if sha256 not in _CACHE:
        _CACHE.clear()  # keep at most a few loaded models around
    model = _CACHE.get(sha256) or load_artifact_bytes(data, sha256, name=version)
    _CACHE[sha256] = model
    return model


def load_version(db: Database, version: str) -> Model:
    """A stored version, its bytes checked (SHA-256, trusted types); NotFound when unknown."""
    with db.reader() as session:
        found = get_model_version(session, version)
    if found is None:
        raise NotFound(N_("no model version {version}"), version=version)
    row, data = found
    return _load_bytes(data, row.sha256, version)


def active_version(db: Database) -> str | None:
    """The active version's name from the pointer alone (one small query, no model loading)."""
    with db.reader() as session:
        pointer = active_activation(session)
    return pointer.version if pointer else None


def active_model(db: Database, settings: Settings) -> Model:
    """The active model, importing the shipped default (and old files) on first use."""
    version = active_version(db) or ensure_registry(db, settings)
    return load_version(db, version)


def _store_model(session: Any, model: Model, *, origin: str, created_by: str,
                 training: Sequence[PostRecord] = (), extra: dict[str, Any] | None = None) -> None:
    from classifier.registry import dump_artifact_bytes

    data, sha = dump_artifact_bytes(model)
    extra = extra or {}
    add_model_version(
        session, version=model.version, artifact=data, sha256=sha, threshold=model.threshold,
        meta={k: v for k, v in model.metadata.items() if k != "metrics"},
        metrics=dict(model.metadata.get("metrics", {}), **extra.get("metrics", {})),
        fingerprint=model.metadata.get("training_data_sha256"),
        composition=extra.get("composition", {}),
        text_fingerprints=training_data.text_fingerprints(training),
        origin=origin, created_by=created_by, report=extra.get("report"),
        report_html=extra.get("report_html"))


def _file_versions(settings: Settings) -> tuple[list[Model], str | None]:
    """The old file registry's loadable versions and its active one (nothing when absent)."""
    directory = Path(settings.models_dir)
    if not directory.is_dir():
        return [], None
    from classifier import ClassifierError, ModelRegistry

    registry = ModelRegistry(directory)
    models, active = [], None
    try:
        infos = registry.list()
    except ClassifierError as exc:
        log.warning("old model registry %s unreadable: %s", directory, exc)
        return [], None
    for info in infos:
        try:
            models.append(registry.load(info.version))
        except ClassifierError as exc:
            log.warning("old model %s not imported: %s", info.version, exc)
            continue
        if info.active:
            active = info.version
    return models, active


@dataclass(frozen=True)
class _Candidate:
    """A version the first import may store: a loaded model, or the shipped artifact's bytes
    (verified, not loaded: storing them needs no scikit-learn)."""

    version: str
    origin: str
    training: list[PostRecord]
    model: Model | None = None
    shipped: ShippedArtifact | None = None


def _shipped(settings: Settings) -> _Candidate | None:
    """The shipped default, its bytes checked (SHA-256, trusted types) without loading them —
    unless the installed libraries differ from its build's, when it must load once to count."""
    from classifier.corpus import load_seed_corpus
    from classifier.errors import ModelLoadError
    from classifier.shipped import libraries_match, shipped_artifact

    artifact = shipped_artifact(float(settings.get("classifier.recall_target")))
    if artifact is None:
        return None
    if not libraries_match(artifact.metadata):
        from classifier.registry import load_artifact_bytes

        try:
            load_artifact_bytes(artifact.data, artifact.sha256, name=artifact.version)
        except ModelLoadError as exc:
            log.warning("shipped model %s does not load here: %s", artifact.version, exc)
            return None
    return _Candidate(artifact.version, "shipped", load_seed_corpus(), shipped=artifact)


def _store_candidate(session: Any, candidate: _Candidate) -> None:
    extra = {"composition": training_data.composition(
        candidate.training, ["seed"] * len(candidate.training))}
    if candidate.model is not None:
        _store_model(session, candidate.model, origin=candidate.origin, created_by=SYSTEM,
                     training=candidate.training, extra=extra)
        return
    shipped = candidate.shipped
    assert shipped is not None
    meta = shipped.metadata
    add_model_version(
        session, version=shipped.version, artifact=shipped.data, sha256=shipped.sha256,
        threshold=shipped.threshold, meta={k: v for k, v in meta.items() if k != "metrics"},
        metrics=dict(meta.get("metrics", {})), fingerprint=meta.get("training_data_sha256"),
        composition=extra["composition"],
        text_fingerprints=training_data.text_fingerprints(candidate.training),
        origin=candidate.origin, created_by=SYSTEM)


def ensure_registry(db: Database, settings: Settings) -> str:
    """The active version; on first use import the shipped model and the old file registry
    (or train on the seed corpus when nothing fits) and activate one. Safe on several nodes:
    the loser of a race re-reads the winner's pointer."""
    current = active_version(db)
    if current:
        return current
    candidates: list[_Candidate] = []
    shipped = _shipped(settings)
    if shipped is not None:
        candidates.append(shipped)
    files, file_active = _file_versions(settings)
    candidates += [_Candidate(m.version, "file", [], model=m) for m in files]
    if not candidates:
        from classifier.corpus import load_seed_corpus
        from classifier.train import train_model

        seed = load_seed_corpus()
        trained = train_model(seed, recall_target=settings.get("classifier.recall_target"))
        candidates.append(_Candidate(trained.version, "trained", seed, model=trained))
    chosen = file_active or candidates[0].version
    try:
        with db.session() as session:
            if active_activation(session) is None:
                for candidate in candidates:
                    if not has_model_version(session, candidate.version):
                        _store_candidate(session, candidate)
                add_activation(session, version=chosen, previous=None, action="import",
                               actor=SYSTEM, rescore=False)
                append_audit(session, actor=SYSTEM, action="model.import", entity="model",
                             entity_id=chosen,
                             details={"imported": [c.version for c in candidates]})
    except Exception:
        current = active_version(db)
        if current:  # another node imported first
            return current
        raise
    log.info("model registry initialised: active %s", chosen)
    return active_version(db) or chosen


def active_summary(db: Database, settings: Settings) -> tuple[str, float]:
    """The active version and its threshold (importing the shipped default on first use),
    without loading the model: what `pantau init` reports."""
    version = active_version(db) or ensure_registry(db, settings)
    with db.reader() as session:
        found = get_model_version(session, version)
    if found is None:
        raise NotFound(N_("no model version {version}"), version=version)
    return version, found[0].threshold


# --- listing ----------------------------------------------------------------------------------

def _entry(row: VersionRow, active: str | None) -> ModelEntry:
    return ModelEntry(row.version, row.created_at, row.created_by, row.origin, row.threshold,
                      row.version == active, row.metrics, row.composition, row.fingerprint)


def list_models(db: Database, actor: Actor, settings: Settings) -> list[ModelEntry]:
    require(actor, Right.VIEW_MODELS)
    active = ensure_registry(db, settings)
    with db.reader() as session:
        return [_entry(row, active) for row in list_model_versions(session)]


def get_model(db: Database, actor: Actor, version: str) -> tuple[ModelEntry, VersionRow]:
    require(actor, Right.VIEW_MODELS)
    with db.reader() as session:
        found = get_model_version(session, version)
        pointer = active_activation(session)
    if found is None:
        raise NotFound(N_("no model version {version}"), version=version)
    row = found[0]
    return _entry(row, pointer.version if pointer else None), row


def model_page(db: Database, actor: Actor, settings: Settings) -> dict[str, Any]:
    """What /models shows: the versions, and the pointer's history newest first."""
    entries = list_models(db, actor, settings)
    with db.reader() as session:
        history = list(reversed(activations(session)))
    return {"models": entries, "history": history}


# --- training and comparing ---------------------------------------------------------------------

def _evaluate(model: Model, records: Sequence[PostRecord]) -> tuple[dict[str, Any], Any]:
    import numpy as np

    from classifier.evaluate import evaluate_scores

    predictions = model.predict(list(records))
    scores = np.array([p.score for p in predictions])
    report = evaluate_scores(records, scores, model.threshold, [p.category for p in predictions])
    return report, scores


def _overlap(eval_records: Sequence[PostRecord], seen: set[str]) -> int:
    return sum(training_data.text_fingerprint(r.text) in seen for r in eval_records)


def train(db: Database, actor: Actor, settings: Settings, files: Sequence[PostRecord], *,
          reviews: bool = True, evals: Sequence[tuple[str, Sequence[PostRecord]]] = (),
          seed: int = 0, seed_records: Sequence[PostRecord] | None = None,
          language: str = "id") -> Trained:
    """A candidate trained on the train side of the grouped split, compared with the active
    model on the held-out side (the records neither model trained on) and on each eval file;
    stored with its metrics, training-set fingerprint, composition and report; not active."""
    from classifier.train import train_model, training_sha256
    from monitor.model_report import build_report
    from monitor.web.model_report_view import render_report

    require(actor, Right.TRAIN)
    ensure_registry(db, settings)
    recall_target = float(settings.get("classifier.recall_target"))
    data = training_data.build(db, files, reviews=reviews, seed_records=seed_records,
                               holdout_share=float(settings.get("classifier.holdout_share")))
    train_records, train_origins = data.side(False)
    held_out, held_origins = data.side(True)
    try:
        model = train_model(train_records, recall_target=recall_target, seed=seed)
    except ValueError as exc:  # the reason is a storage.errors.Message when it is ours
        reason = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
        raise InvalidInput(N_("cannot train: {reason}"), reason=reason) from None
    active_name = active_version(db)
    active = load_version(db, active_name) if active_name else None
    with db.reader() as session:
        found = get_model_version(session, active_name) if active_name else None
    active_row = found[0] if found else None
    active_seen = set(active_row.text_fingerprints) if active_row else set()
    fair = [r for r in held_out if training_data.text_fingerprint(r.text) not in active_seen]
    warnings: list[str] = []
    if len(fair) < 10 or not 0 < sum(r.label == 1 for r in fair) < len(fair):
        fair = list(held_out)
        if active_seen:
            warnings.append(N_("the active model was trained on the held-out records: the "
                               "comparison favours it"))
    cand_report, cand_scores = _evaluate(model, fair)
    comparison: dict[str, Any] = {
        "held_out": {"n": len(fair), "held_out_total": len(held_out),
                     "seen_by_active": len(held_out) - len(fair) if fair is not held_out else 0,
                     "candidate": cand_report}, "evals": {}}
    act_scores = None
    if active is not None:
        comparison["held_out"]["active"], act_scores = _evaluate(active, fair)
        comparison["held_out"]["active_version"] = active.version
    seen = set(training_data.text_fingerprints(train_records))
    for name, records in evals:
        labeled = [r for r in records if r.label in (0, 1)]
        if not labeled:
            continue
        entry: dict[str, Any] = {"candidate": _evaluate(model, labeled)[0],
                                 "overlap": _overlap(labeled, seen), "n": len(labeled)}
        if active is not None:
            entry["active"] = _evaluate(active, labeled)[0]
        comparison["evals"][name] = entry
    refusals = [key for key, _ in comparison_refusals(settings, comparison)]
    composition = training_data.composition(train_records, train_origins)
    composition["held_out"] = training_data.composition(held_out, held_origins)
    report = build_report(model, active, fair, cand_scores, act_scores, comparison,
                          composition, recall_target)
    html = render_report(report, language)
    metrics = {"held_out": comparison["held_out"], "evals": comparison["evals"],
               "training_set_sha256": training_sha256(train_records)}
    with db.session() as session:
        if has_model_version(session, model.version):
            raise Conflict(N_("model version {version} exists already (same data and "
                              "settings)"), version=model.version)
        _store_model(session, model, origin="trained", created_by=actor.name,
                     training=train_records,
                     extra={"metrics": metrics, "composition": composition, "report": report,
                            "report_html": html})
        append_audit(session, actor=actor.name, action="model.train", entity="model",
                     entity_id=model.version, details={
                         "records": len(train_records), "held_out": len(held_out),
                         "reviews": composition["by_origin"].get("review", {}),
                         "fingerprint": model.metadata.get("training_data_sha256"),
                         "threshold": model.threshold})
    review_count = sum(o == "review" for o in data.origins)
    return Trained(model.version, model.threshold, len(train_records), review_count,
                   dict(model.metadata["metrics"], **metrics), comparison, warnings, refusals)


# --- promotion and rollback ---------------------------------------------------------------------

# An eval file that shares more than this share of its texts with the training data is a
# measurement of memory, not of judgement: it does not count against a promotion.
EVAL_OVERLAP_LIMIT = 0.2


def comparison_refusals(settings: Settings,
                        metrics: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Why the stored comparison says a candidate is worse than the active model (see
    classifier.evaluate.promotion_refusals): on the held-out records, and on each `--eval`
    file that mostly holds texts neither model trained on (reasons named `eval_<key>`, with
    the file in `on`). A version without a comparison (imported) has none."""
    from classifier.evaluate import promotion_refusals

    limits = {"tolerance": float(settings.get("classifier.promote_tolerance")),
              "fpr_limit": float(settings.get("classifier.max_hard_case_fpr"))}
    reasons: list[tuple[str, dict[str, Any]]] = []
    held = metrics.get("held_out", {})
    if "candidate" in held and "active" in held:
        reasons += promotion_refusals(held["candidate"], held["active"], **limits)
    for name, entry in sorted(metrics.get("evals", {}).items()):
        if "active" not in entry or entry.get("overlap", 0) > EVAL_OVERLAP_LIMIT * entry["n"]:
            continue
        reasons += [(f"eval_{key}", {**values, "on": name}) for key, values in
                    promotion_refusals(entry["candidate"], entry["active"], **limits)]
    return reasons


def _refusals(settings: Settings, row: VersionRow) -> list[tuple[str, dict[str, Any]]]:
    return comparison_refusals(settings, row.metrics)


_REASONS = {
    "f1": N_("F1 on the held-out records {candidate} is below the active model's {active}"),
    "recall": N_("recall on the held-out records {candidate} is below the active model's "
                 "{active}"),
    "fpr": N_("false-positive rate on hard case {case} {candidate} is beyond its limit "
              "{limit} (active model: {active})"),
    "eval_f1": N_("F1 on {on} {candidate} is below the active model's {active}"),
    "eval_recall": N_("recall on {on} {candidate} is below the active model's {active}"),
    "eval_fpr": N_("false-positive rate on {on}, hard case {case}, {candidate} is beyond its "
                   "limit {limit} (active model: {active})"),
}


def refusal_texts(settings: Settings, row: VersionRow) -> list[tuple[str, dict[str, Any]]]:
    """(message id, values) for each reason; the caller translates."""
    return [(_REASONS[key], values) for key, values in _refusals(settings, row)]


class Refused(Conflict):
    """The candidate is worse than the active model; `reasons` are (message id, values)."""

    def __init__(self, reasons: list[tuple[str, dict[str, Any]]]) -> None:
        super().__init__(N_("not promoted: the candidate is worse than the active model "
                            "(--force --reason TEXT to promote anyway)"))
        self.reasons = reasons


def promote(db: Database, actor: Actor, settings: Settings, version: str, *,
            force: bool = False, reason: str | None = None) -> str:
    """Make `version` the active model on every node. Refused (Refused) when the held-out
    comparison says it is worse, unless forced with a reason (audited)."""
    require(actor, Right.PROMOTE)
    if force and not (reason or "").strip():
        raise InvalidInput(N_("--force needs --reason TEXT"))
    ensure_registry(db, settings)
    load_version(db, version)  # refuse an artifact that would not load
    with db.reader() as session:
        row = get_model_version(session, version)
    assert row is not None
    reasons = refusal_texts(settings, row[0])
    if reasons and not force:
        raise Refused(reasons)
    with db.session() as session:
        pointer = active_activation(session)
        previous = pointer.version if pointer else None
        if previous == version:
            return version
        add_activation(session, version=version, previous=previous, action="promote",
                       actor=actor.name, reason=reason if force else None)
        append_audit(session, actor=actor.name, action="model.promote", entity="model",
                     entity_id=version, details={
                         "previous": previous, "forced": bool(force and reasons),
                         "reason": reason if force else None,
                         "refusals": [k for k, _ in _refusals(settings, row[0])]})
    return version


def _stack(history: Sequence[Any]) -> list[str]:
    """The rollback stack the activations describe: a promotion pushes, a rollback pops."""
    stack: list[str] = []
    for act in history:
        if act.action == "rollback":
            if stack:
                stack.pop()
        elif act.previous and act.action == "promote":
            stack.append(act.previous)
    return stack


def rollback(db: Database, actor: Actor, settings: Settings) -> str:
    """Re-activate the previously active model; returns its version."""
    require(actor, Right.PROMOTE)
    ensure_registry(db, settings)
    with db.session() as session:
        history = activations(session)
        stack = _stack(history)
        if not stack:
            raise NotFound(N_("cannot roll back: no earlier active model"))
        version, current = stack[-1], history[-1].version
        add_activation(session, version=version, previous=current, action="rollback",
                       actor=actor.name)
        append_audit(session, actor=actor.name, action="model.rollback", entity="model",
                     entity_id=version, details={"previous": current})
    return version


# --- re-scoring after an activation -------------------------------------------------------------

def rescore(db: Database, settings: Settings, node: str, *, model: Model | None = None) -> int | None:
    """If the newest activation still needs re-scoring and this node wins the claim: re-score
    pending and recent posts with the active model in batches (each its own short
    transaction, so readers and writers go on), old scores kept. Returns how many posts were
    re-scored, None when there was nothing to claim."""
    with db.session() as session:
        claim = claim_rescore(session, node)
    if claim is None:
        return None
    model = model if model is not None and model.version == claim.version else \
        load_version(db, claim.version)
    since = datetime.now(UTC) - timedelta(seconds=float(settings.get("classifier.rescore_recent")))
    batch = int(settings.get("classifier.rescore_batch"))
    after, done = 0, 0
    while True:
        with db.reader() as session:
            posts = posts_to_rescore(session, since=since, after_id=after, limit=batch)
        if not posts:
            break
        predictions = model.predict([p.record for p in posts], [p.asn_status for p in posts])
        rows = [ScoreRow(post_id=p.id, post_version=p.version, model_version=r.model_version,
                         score=float(r.score), threshold=float(r.threshold),
                         flagged=bool(r.flagged), category=r.category,
                         explanation=[list(t) for t in r.explanation])
                for p, r in zip(posts, predictions, strict=True)]
        with db.session() as session:
            replace_scores(session, rows)
            enqueue(session, [r for r in rows if r.flagged])
        done += len(rows)
        after = posts[-1].id
        with db.reader() as session:  # a newer activation supersedes this one: stop
            newest = active_activation(session)
        if newest is None or newest.id != claim.id:
            break
    with db.session() as session:
        finish_rescore(session, claim.id, done)
        append_audit(session, actor=SYSTEM, action="model.rescore", entity="model",
                     entity_id=claim.version, details={"posts": done, "node": node})
    log.info("rescored posts=%d model=%s", done, claim.version)
    return done
