"""Threshold selection on cross-validated scores and the metric arithmetic."""

from __future__ import annotations

import numpy as np

from classifier.evaluate import choose_threshold, keyword_scores, metrics_at
from storage.records import PostRecord


def test_threshold_is_the_highest_that_keeps_recall() -> None:
    y = np.array([1] * 20 + [0] * 5)
    scores = np.concatenate([np.linspace(0.99, 0.05, 20), np.full(5, 0.5)])
    threshold = choose_threshold(y, scores, 0.95)
    assert metrics_at(y, scores, threshold)["recall"] >= 0.95
    assert metrics_at(y, scores, threshold + 1e-6)["recall"] < 0.95
    assert choose_threshold(y, scores, 1.0) == scores[:20].min()


def test_metrics_known_values() -> None:
    y = np.array([1, 1, 0, 0])
    report = metrics_at(y, np.array([0.9, 0.2, 0.8, 0.1]), 0.5)
    assert (report["precision"], report["recall"], report["f1"]) == (0.5, 0.5, 0.5)


def test_keyword_baseline() -> None:
    records = [PostRecord("x", "1", "Ayo COBLOS nomor 2"), PostRecord("x", "2", "Sinonggi enak")]
    assert keyword_scores(records).tolist() == [1.0, 0.0]
