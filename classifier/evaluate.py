"""Metrics, threshold choice and the keyword baseline that `pantau evaluate` compares against."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score

from storage.records import PostRecord

__all__ = [
    "BASELINE_KEYWORDS",
    "breakdown",
    "calibration",
    "choose_threshold",
    "confusion",
    "pr_curve",
    "promotion_refusals",
    "evaluate_scores",
    "keyword_scores",
    "metrics_at",
]

# The words monitors search by hand (issue 3); a post matching any one is flagged.
BASELINE_KEYWORDS = (
    "kampanye", "coblos", "paslon", "nomor urut", "dukung", "pilih", "menangkan", "caleg",
    "capres", "cagub", "cabup", "calon", "baliho", "spanduk", "relawan", "tim sukses",
)
_KEYWORD_RE = re.compile("|".join(re.escape(k) for k in BASELINE_KEYWORDS), re.IGNORECASE)


def choose_threshold(y: np.ndarray, scores: np.ndarray, recall_target: float) -> float:
    """The highest threshold whose recall on `scores` is still ≥ recall_target."""
    positives = np.sort(scores[y == 1])[::-1]
    if positives.size == 0:
        return 0.5
    needed = int(np.ceil(recall_target * positives.size - 1e-9))
    needed = min(max(needed, 1), positives.size)
    return float(positives[needed - 1])


def metrics_at(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall, F1 and PR-AUC of `scores` flagged at `threshold`."""
    flagged = scores >= threshold
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pr_auc = float(average_precision_score(y, scores)) if 0 < y.sum() < len(y) else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "pr_auc": round(pr_auc, 4), "threshold": round(float(threshold), 6),
            "n": len(y), "positives": int(y.sum())}


def breakdown(records: Sequence[PostRecord], flagged: np.ndarray,
              predicted_category: Sequence[str | None] | None = None) -> dict[str, Any]:
    """False-positive rate per hard_case, recall per category (and category accuracy)."""
    fp: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rec: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, r in enumerate(records):
        if r.label == 0 and r.hard_case:
            fp[r.hard_case][0] += int(flagged[i])
            fp[r.hard_case][1] += 1
        elif r.label == 1:
            key = r.category or "unknown"
            rec[key][0] += int(flagged[i])
            rec[key][1] += 1
            if predicted_category is not None and flagged[i]:
                rec[key][2] += int(predicted_category[i] == r.category)
    out: dict[str, Any] = {
        "fpr_by_hard_case": {k: {"fpr": round(a / n, 4), "flagged": a, "n": n}
                             for k, (a, n) in sorted(fp.items())},
        "recall_by_category": {k: {"recall": round(a / n, 4), "flagged": a, "n": n}
                               for k, (a, n, _) in sorted(rec.items())},
    }
    if predicted_category is not None:
        hits = sum(c for _, _, c in rec.values())
        flagged_pos = sum(a for a, _, _ in rec.values())
        out["category_accuracy_on_flagged"] = round(hits / flagged_pos, 4) if flagged_pos else 0.0
    return out


def evaluate_scores(records: Sequence[PostRecord], scores: np.ndarray, threshold: float,
                    predicted_category: Sequence[str | None] | None = None) -> dict[str, Any]:
    """The full `pantau evaluate` report for one scorer."""
    y = np.array([int(r.label or 0) for r in records])
    report: dict[str, Any] = metrics_at(y, scores, threshold)
    report.update(breakdown(records, scores >= threshold, predicted_category))
    return report


def keyword_scores(records: Sequence[PostRecord]) -> np.ndarray:
    """1.0 when the text holds a baseline keyword, else 0.0 (threshold 0.5)."""
    return np.array([1.0 if _KEYWORD_RE.search(r.text) else 0.0 for r in records])


def confusion(y: np.ndarray, flagged: np.ndarray) -> dict[str, int]:
    """The confusion table's counts at the model's threshold."""
    return {"tp": int(np.sum(flagged & (y == 1))), "fp": int(np.sum(flagged & (y == 0))),
            "fn": int(np.sum(~flagged & (y == 1))), "tn": int(np.sum(~flagged & (y == 0)))}


def pr_curve(y: np.ndarray, scores: np.ndarray, points: int = 50) -> list[tuple[float, float]]:
    """(recall, precision) pairs, at most `points`, for a plot."""
    from sklearn.metrics import precision_recall_curve

    if not 0 < y.sum() < len(y):
        return []
    precision, recall, _ = precision_recall_curve(y, scores)
    step = max(1, len(recall) // points)
    picked = list(range(0, len(recall), step)) + [len(recall) - 1]
    return [(round(float(recall[i]), 4), round(float(precision[i]), 4)) for i in sorted(set(picked))]


def calibration(y: np.ndarray, scores: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Per score bin: mean score, observed share of positives and count (empty bins left out)."""
    out = []
    edges = np.linspace(0.0, 1.0, bins + 1)
    for k in range(bins):
        upper = scores <= edges[k + 1] if k == bins - 1 else scores < edges[k + 1]
        inside = (scores >= edges[k]) & upper
        if inside.any():
            out.append({"mean_score": round(float(scores[inside].mean()), 4),
                        "positive_share": round(float(y[inside].mean()), 4),
                        "n": int(inside.sum())})
    return out


def promotion_refusals(candidate: dict[str, Any], active: dict[str, Any], *,
                       tolerance: float, fpr_limit: float) -> list[tuple[str, dict[str, Any]]]:
    """Why a candidate is worse than the active model on the same held-out records, as
    (reason id, values): F1 or recall (each at its own threshold, chosen for the recall
    target) below the active's by more than `tolerance`, or a hard case's false-positive rate
    beyond `fpr_limit` and above the active's. Empty: the candidate may be promoted."""
    reasons: list[tuple[str, dict[str, Any]]] = []
    for key in ("f1", "recall"):
        if candidate[key] < active[key] - tolerance:
            reasons.append((key, {"candidate": candidate[key], "active": active[key]}))
    active_fpr = active.get("fpr_by_hard_case", {})
    for case, row in sorted(candidate.get("fpr_by_hard_case", {}).items()):
        before = active_fpr.get(case, {}).get("fpr", 0.0)
        if row["fpr"] > fpr_limit and row["fpr"] > before:
            reasons.append(("fpr", {"case": case, "candidate": row["fpr"], "active": before,
                                    "limit": fpr_limit}))
    return reasons
