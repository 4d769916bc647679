"""A candidate model's report for the data team: the figures, as JSON stored with the version
(monitor/web/model_report_view.py renders them as HTML). Post texts in it are scraped,
hostile text: the templates escape them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from storage.records import PostRecord

if TYPE_CHECKING:
    from classifier import Model

__all__ = ["MISCLASSIFIED_MAX", "build_report", "weight_changes"]

MISCLASSIFIED_MAX = 100
WEIGHTS_MAX = 20


def _text_weights(model: Model) -> dict[str, float]:
    """Each text word n-gram's weight in the campaign-content sub-model."""
    columns = model.layout.columns("campaign", "text_word")
    coef = np.asarray(model.state["campaign_clf"].coef_).ravel()[columns]
    names = model.feature_names("text_word")
    return {str(n): float(w) for n, w in zip(names, coef, strict=True)}


def weight_changes(candidate: Model, active: Model | None,
                   limit: int = WEIGHTS_MAX) -> list[dict[str, Any]]:
    """The text terms whose campaign weight moved most against the active model (a term one
    model lacks weighs 0 there)."""
    try:
        new = _text_weights(candidate)
        old = _text_weights(active) if active is not None else {}
    except (KeyError, AttributeError, ValueError):  # a model of another structure
        return []
    terms = set(new) | set(old)
    changes = sorted(terms, key=lambda t: (-abs(new.get(t, 0.0) - old.get(t, 0.0)), t))[:limit]
    return [{"term": t, "candidate": round(new.get(t, 0.0), 4), "active": round(old.get(t, 0.0), 4),
             "change": round(new.get(t, 0.0) - old.get(t, 0.0), 4)} for t in changes]


def _curves(y: np.ndarray, scores: np.ndarray | None) -> dict[str, Any]:
    from classifier.evaluate import calibration, pr_curve

    if scores is None:
        return {}
    return {"pr": pr_curve(y, scores), "calibration": calibration(y, scores)}


def build_report(candidate: Model, active: Model | None, held_out: Sequence[PostRecord],
                 cand_scores: np.ndarray, act_scores: np.ndarray | None,
                 comparison: dict[str, Any], composition: dict[str, Any],
                 recall_target: float) -> dict[str, Any]:
    """The report's figures as plain JSON."""
    from classifier.evaluate import confusion

    y = np.array([int(r.label or 0) for r in held_out])
    flagged = cand_scores >= candidate.threshold
    misclassified: list[dict[str, Any]] = [
        {"text": r.text, "author": r.author.handle, "platform": r.platform,
         "external_id": r.external_id, "label": int(r.label or 0), "score": round(float(s), 4),
         "category": r.category, "hard_case": r.hard_case}
        for r, s, f in zip(held_out, cand_scores, flagged, strict=True) if bool(f) != bool(r.label)]
    misclassified.sort(key=lambda m: -abs(float(m["score"]) - candidate.threshold))
    report: dict[str, Any] = {
        "version": candidate.version, "threshold": candidate.threshold,
        "recall_target": recall_target,
        "active_version": active.version if active is not None else None,
        "active_threshold": active.threshold if active is not None else None,
        "comparison": comparison, "composition": composition,
        "confusion": {"candidate": confusion(y, flagged)},
        "curves": {"candidate": _curves(y, cand_scores)},
        "misclassified": misclassified[:MISCLASSIFIED_MAX],
        "misclassified_total": len(misclassified),
        "weight_changes": weight_changes(candidate, active),
    }
    if active is not None and act_scores is not None:
        report["confusion"]["active"] = confusion(y, act_scores >= active.threshold)
        report["curves"]["active"] = _curves(y, act_scores)
    return report
