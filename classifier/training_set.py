"""What a new model version learns from: the seed corpus, given files, reviewers' decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from classifier.corpus import SEED_DIR, load_seed_corpus
from storage.records import PostRecord

__all__ = ["build_training_set"]


def build_training_set(
    data_records: Iterable[PostRecord] = (),
    *,
    extra_records: Sequence[PostRecord] = (),
    seed_dir: Path = SEED_DIR,
) -> list[PostRecord]:
    """Seed corpus + labeled `data_records` + `extra_records` (reviewers' decisions as labeled
    records, fed by the caller from storage), later sources overriding earlier ones that have
    the same (platform, external_id). Unlabeled records are dropped.
    """
    merged: dict[tuple[str, str], PostRecord] = {}
    for source in (load_seed_corpus(seed_dir), data_records, extra_records):
        for record in source:
            if record.label in (0, 1):
                merged[(record.platform, record.external_id)] = record
    return list(merged.values())
