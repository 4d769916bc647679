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
    "choose_threshold",
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
