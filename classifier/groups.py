"""Groups of seed records that must stay on one side of a cross-validation split.

Records by the same author handle (one writer persona) or whose word sets overlap with
Jaccard ≥ 0.5 (one template, or a minimal pair), joined transitively. Holding out whole
groups is what makes out-of-fold scores look like scores on new text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from classifier.corpus import word_set
from storage.records import PostRecord

__all__ = ["GROUP_JACCARD", "group_ids"]

GROUP_JACCARD = 0.5


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_ids(records: Sequence[PostRecord], jaccard: float = GROUP_JACCARD) -> np.ndarray:
    """A group id per record: same handle, or texts joined by word-set Jaccard ≥ `jaccard`."""
    parent = list(range(len(records)))

    def join(a: int, b: int) -> None:
        parent[_find(parent, a)] = _find(parent, b)

    by_handle: dict[str, int] = {}
    for i, r in enumerate(records):
        key = r.author.handle.lower()
        if key:
            join(i, by_handle.setdefault(key, i))
    for i, j in similar_pairs([word_set(r.text) for r in records], jaccard):
        join(i, j)
    return np.array([_find(parent, i) for i in range(len(records))])


def similar_pairs(sets: Sequence[frozenset[str]], jaccard: float) -> list[tuple[int, int]]:
    """All (i, j), i > j, with Jaccard(sets[i], sets[j]) ≥ jaccard, by prefix filtering.

    Two sets that reach the threshold share a word among the rarest
    |x| - ceil(jaccard·|x|) + 1 words of each, so only those words are indexed: exact, and
    fast because rare words have short postings.
    """
    df: dict[str, int] = {}
    for words in sets:
        for word in words:
            df[word] = df.get(word, 0) + 1
    index: dict[str, list[int]] = {}
    out: list[tuple[int, int]] = []
    for i, words in enumerate(sets):
        ordered = sorted(words, key=lambda w: (df[w], w))
        prefix = ordered[:len(ordered) - math.ceil(jaccard * len(ordered) - 1e-9) + 1]
        candidates = {j for word in prefix for j in index.get(word, ())}
        for j in candidates:
            shared = len(words & sets[j])
            union = len(words) + len(sets[j]) - shared
            if union and shared / union >= jaccard:
                out.append((i, j))
        for word in prefix:
            index.setdefault(word, []).append(i)
    return out
