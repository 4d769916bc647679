"""The shipped seed corpus follows the labeling guide and is not stamped from templates."""

from __future__ import annotations

from collections import Counter

from classifier.corpus import check_record, iter_seed_records, near_duplicate_ids
from storage.records import CATEGORIES


def _rows() -> list[dict[str, object]]:
    return [raw for _, _, raw in iter_seed_records()]


def test_every_record_is_valid_and_unique() -> None:
    rows = _rows()
    problems = [(raw.get("external_id"), p) for raw in rows for p in check_record(raw)]
    assert problems == []
    ids = Counter((raw["platform"], str(raw["external_id"])) for raw in rows)
    assert [k for k, n in ids.items() if n > 1] == []


def test_size_balance_and_categories() -> None:
    rows = _rows()
    assert len(rows) >= 1500
    hard = sum(1 for raw in rows if raw.get("label") == 0 and raw.get("hard_case") != "non_political")
    assert hard / len(rows) >= 0.40
    assert {raw.get("category") for raw in rows if raw.get("label") == 1} == set(CATEGORIES)
    assert len({raw["platform"] for raw in rows}) >= 5


def test_near_duplicates_under_five_percent() -> None:
    texts = [str(raw["text"]) for raw in _rows()]
    assert len(near_duplicate_ids(texts)) / max(len(texts), 1) < 0.05
