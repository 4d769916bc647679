"""Long posts made of seed posts: a short campaign line inside an ASN's neutral post.

The seed corpus is short posts (median 20 words), so a bag of words learns that campaign
words are a large share of a campaign post; an ASN's long work post ending in "jangan lupa
coblos no 2 ya" then scores low (round 12: most misses on new text). A spliced record joins
an ASN's neutral post, neutral filler and one short guest post: labeled as the guest (an ASN
author posting the guest's content), positive with a campaign guest, negative with a
reminder, a programme, voter information or another neutral post as guest, so length alone
teaches nothing.

Each spliced record names its parents: training folds use it only when every parent is on
their side (classifier.train), and the honest evaluation builds its spliced test posts from
held-out parents only (classifier.honest), so no fold scores a line it trained on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storage.records import PostRecord

__all__ = ["NEGATIVE_GUESTS", "Splice", "spliced_records"]

# Guests of the negative splices: short texts that share words with campaigns and are not one.
NEGATIVE_GUESTS = ("neutrality_reminder", "government_program", "civic_info", "news_report",
                   "asn_neutral")
_FILLER = ("asn_neutral", "non_political")
_JOINERS = ("\n\n", "\n", " ")


@dataclass(frozen=True, slots=True)
class Splice:
    record: PostRecord
    parents: tuple[int, ...]  # indices into the records it was made from


def _words(record: PostRecord) -> int:
    return len(record.text.split())


def spliced_records(records: Sequence[PostRecord], count: int, *, seed: int = 0,
                    max_guest_words: int = 20, min_words: int = 40,
                    candidates: Sequence[int] | None = None, negative_share: float = 0.5,
                    negative_guests: Sequence[str] = NEGATIVE_GUESTS) -> list[Splice]:
    """`count` spliced records from `records` (`negative_share` of them negative), or fewer
    when the candidates run short; `candidates` limits the parents to those indices."""
    pool = range(len(records)) if candidates is None else candidates
    hosts = [i for i in pool if records[i].hard_case == "asn_neutral"]
    fillers = [i for i in pool if records[i].hard_case in _FILLER]
    positive = [i for i in pool if records[i].label == 1 and _words(records[i]) <= max_guest_words]
    negative = [i for i in pool if records[i].hard_case in negative_guests
                and _words(records[i]) <= max_guest_words + 10]
    if not hosts or not fillers or not positive or not negative or count <= 0:
        return []
    rng = np.random.default_rng(seed)
    out: list[Splice] = []
    for k in range(count):
        guests = negative if rng.random() < negative_share else positive
        host, guest = int(rng.choice(hosts)), int(rng.choice(guests))
        if guest == host:
            continue
        parts, parents = [records[host].text.strip()], [host]
        words = _words(records[host])
        for _try in range(20):  # neutral filler up to `min_words`, no record twice
            if words >= min_words:
                break
            filler = int(rng.choice(fillers))
            if filler not in parents and filler != guest:
                parts.append(records[filler].text.strip())
                parents.append(filler)
                words += _words(records[filler])
        line = records[guest].text.strip()
        if rng.random() < 0.7:
            parts.append(line)
        else:
            parts.insert(int(rng.integers(0, len(parts))), line)
        g = records[guest]
        joiner = _JOINERS[int(rng.integers(0, len(_JOINERS)))]  # a paragraph, a line or a space
        record = dataclasses.replace(
            records[host], external_id=f"splice-{seed}-{k}", text=joiner.join(parts),
            label=g.label, category=g.category, hard_case=None if g.label == 1 else g.hard_case,
            extra={**records[host].extra, "author_is_asn": True})
        out.append(Splice(record, (*parents, guest)))
    return out
