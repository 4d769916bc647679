"""The honest evaluation (issue 13): held-out posts and ordinary text, never trained on.

The figures asserted are issue 13's targets that the shipped model meets on text it was not
tuned on; docs/classifier.md reports every figure, including the hard cases that miss.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import Model
from classifier.corpus import SEED_DIR, iter_seed_records
from classifier.groups import group_ids, similar_pairs
from classifier.honest import EVAL_DIR, HELD_OUT_SETS, _predict, load_eval, ordinary_report, report
from storage.records import PostRecord


@pytest.fixture(scope="module")
def holdout(model: Model) -> dict[str, Any]:
    records = load_eval("holdout")
    return report(records, _predict(model, records))


def test_eval_files_are_apart_from_the_seed_corpus(seed_records: list[PostRecord]) -> None:
    assert EVAL_DIR.parent == SEED_DIR.parent and EVAL_DIR != SEED_DIR
    seed_ids = {(r.platform, r.external_id) for r in seed_records}
    seed_texts = {raw["text"] for _, _, raw in iter_seed_records()}
    for name in (*HELD_OUT_SETS, "ordinary"):
        records = load_eval(name)
        assert records and not {(r.platform, r.external_id) for r in records} & seed_ids
        assert not {r.text for r in records} & seed_texts


def test_holdout_targets(holdout: dict[str, Any]) -> None:
    assert holdout["recall"] >= 0.95, holdout
    assert holdout["f1"] >= 0.92, holdout
    assert holdout["pr_auc"] >= 0.97, holdout
    assert holdout["category_accuracy_on_flagged"] >= 0.90, holdout
    fpr = {k: v["fpr"] for k, v in holdout["fpr_by_hard_case"].items()}
    assert fpr["asn_neutral"] <= 0.05 and fpr["news_report"] <= 0.05, fpr
    assert fpr["civic_info"] <= 0.05 and fpr["non_political"] <= 0.05, fpr


@pytest.mark.parametrize("name", ["fresh", "fresh-a"])
def test_fresh_sets_meet_the_ranking_targets(model: Model, name: str) -> None:
    """Posts by writers who saw only the labeling guide: recall, F1, PR-AUC and category
    accuracy meet the targets; the hard cases' rates are reported in docs/classifier.md."""
    records = load_eval(name)
    doc = report(records, _predict(model, records))
    assert doc["recall"] >= 0.95 and doc["f1"] >= 0.92 and doc["pr_auc"] >= 0.97, doc
    assert doc["category_accuracy_on_flagged"] >= 0.90, doc


def test_eval_sets_are_apart_from_each_other() -> None:
    texts = {name: {r.text for r in load_eval(name)}
             for name in HELD_OUT_SETS}
    for a, b in combinations(texts, 2):
        assert not texts[a] & texts[b], (a, b)


def test_ordinary_text_is_rarely_flagged(model: Model) -> None:
    records = load_eval("ordinary")
    doc = ordinary_report(records, _predict(model, records))
    assert doc["flag_rate"] <= 0.01 and doc["political_flag_rate"] <= 0.02, doc


@settings(max_examples=150, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from("abcdefghij"), max_size=6), max_size=12),
       st.sampled_from([0.3, 0.5, 0.6, 1.0]))
def test_similar_pairs_is_exact(sets: list[frozenset[str]], jaccard: float) -> None:
    def similar(x: frozenset[str], y: frozenset[str]) -> bool:
        union = len(x | y)
        return bool(union) and len(x & y) / union >= jaccard

    brute = {(i, j) for j, i in combinations(range(len(sets)), 2) if similar(sets[i], sets[j])}
    assert set(similar_pairs(sets, jaccard)) == brute


def test_groups_join_handles_and_templates() -> None:
    def rec(i: int, handle: str, text: str) -> PostRecord:
        from storage.records import Author

        return PostRecord("x", str(i), text, author=Author(handle=handle))

    records = [rec(0, "a", "coblos nomor dua ya semua"), rec(1, "A", "hari ini hujan"),
               rec(2, "b", "coblos nomor dua ya semua teman"), rec(3, "c", "lain sekali")]
    g = group_ids(records)
    assert g[0] == g[1] == g[2] and g[3] != g[0]
