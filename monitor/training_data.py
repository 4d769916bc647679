"""What a new model version learns from, and the held-out records it is judged on.

Sources, later ones overriding earlier ones for the same (platform, external_id): the shipped
seed corpus, labeled files (`--data`), then each provider of LABEL_PROVIDERS — reviewers'
decisions (the rule is storage.post_listing.reviewed_records's), and whatever else is plugged
in (the data team's labels): a provider is `(origin, function(db) -> records)`.

Near-duplicates (classifier.groups: same author handle, or word-set Jaccard ≥ 0.5) are one
group, and a group lands wholly on one side of the split, chosen by a hash of the group's
smallest key — so the same group stays held out from one training to the next.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.db import Database
from storage.post_listing import reviewed_records as stored_reviews
from storage.records import PostRecord

__all__ = ["LABEL_PROVIDERS", "LabelProvider", "TrainingSet", "build", "composition",
           "reviewed_records", "split_by_group", "text_fingerprint", "text_fingerprints"]

LabelProvider = Callable[[Database], list[PostRecord]]


def reviewed_records(db: Database) -> list[PostRecord]:
    with db.reader() as session:
        return stored_reviews(session)


def labeled_records(db: Database) -> list[PostRecord]:
    """The data team's labels (`pantau label`, /label), apart from reviewers' decisions."""
    from monitor.services.labels import training_records

    return list(training_records(db))


# (origin, provider), in order: a later origin's record of the same post wins, so the data
# team's explicit label overrides a reviewer's decision. `--no-reviews` leaves out "review".
LABEL_PROVIDERS: list[tuple[str, LabelProvider]] = [("review", reviewed_records),
                                                    ("label", labeled_records)]

_SPACE = re.compile(r"\s+")


def text_fingerprint(text: str) -> str:
    """SHA-256 (first 16 hex digits) of the text, case-folded with whitespace collapsed: the
    same post forwarded or re-typed with other spacing has the same fingerprint."""
    canonical = _SPACE.sub(" ", text.casefold()).strip()
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_fingerprints(records: Iterable[PostRecord]) -> list[str]:
    return sorted({text_fingerprint(r.text) for r in records})


@dataclass
class TrainingSet:
    """Labeled records with their origin, split into train and held-out by group."""

    records: list[PostRecord]
    origins: list[str]
    groups: list[int]
    held_out: list[bool] = field(default_factory=list)

    def side(self, held_out: bool) -> tuple[list[PostRecord], list[str]]:
        picked = [i for i, h in enumerate(self.held_out) if h == held_out]
        return [self.records[i] for i in picked], [self.origins[i] for i in picked]


def build(db: Database | None, files: Sequence[PostRecord] = (), *, reviews: bool = True,
          providers: Sequence[tuple[str, LabelProvider]] | None = None,
          seed_records: Sequence[PostRecord] | None = None,
          holdout_share: float = 0.2) -> TrainingSet:
    """Gather every source (see the module docstring), group near-duplicates, split."""
    from classifier.corpus import load_seed_corpus
    from classifier.groups import group_ids

    sources: list[tuple[str, Iterable[PostRecord]]] = [
        ("seed", load_seed_corpus() if seed_records is None else seed_records), ("file", files)]
    if db is not None:
        sources += [(origin, provider(db))
                    for origin, provider in (LABEL_PROVIDERS if providers is None else providers)
                    if reviews or origin != "review"]
    merged: dict[tuple[str, str], tuple[PostRecord, str]] = {}
    for origin, records in sources:
        for record in records:
            if record.label in (0, 1):
                merged[(record.platform, record.external_id)] = (record, origin)
    ordered = sorted(merged.items())
    records = [r for _, (r, _) in ordered]
    training = TrainingSet(records, [o for _, (_, o) in ordered],
                           [int(g) for g in group_ids(records)])
    training.held_out = split_by_group(records, training.groups, holdout_share)
    return training


def split_by_group(records: Sequence[PostRecord], groups: Sequence[int],
                   share: float) -> list[bool]:
    """True for the held-out records: whole groups, picked by a hash of their smallest key."""
    keys: dict[int, str] = {}
    for record, group in zip(records, groups, strict=True):
        key = f"{record.platform}\x00{record.external_id}"
        keys[group] = min(keys.get(group, key), key)
    bucket = {g: int(hashlib.sha256(k.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
              for g, k in keys.items()}
    return [bucket[g] < share for g in groups]


def composition(records: Sequence[PostRecord], origins: Sequence[str]) -> dict[str, Any]:
    """Counts per origin (and label within it), per label and per category of positives."""
    by_origin: dict[str, Counter[str]] = {}
    for record, origin in zip(records, origins, strict=True):
        by_origin.setdefault(origin, Counter())[str(record.label)] += 1
    return {
        "records": len(records),
        "by_origin": {o: dict(sorted(c.items())) for o, c in sorted(by_origin.items())},
        "by_label": dict(sorted(Counter(str(r.label) for r in records).items())),
        "by_category": dict(sorted(Counter(r.category or "unknown" for r in records
                                           if r.label == 1).items())),
        "by_hard_case": dict(sorted(Counter(r.hard_case for r in records
                                            if r.label == 0 and r.hard_case).items())),
    }
