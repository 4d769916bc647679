"""The data team's labeling: the queue of posts that help most, labels, and their export.

The queue serves the posts the model is least sure of (newest score nearest its threshold),
interleaved with a uniform random sample of the other unlabeled scored posts (`label.random_share`
of the items): labels on the random share alone estimate precision and recall without the bias
uncertainty sampling brings, and every label records how its post was drawn (`sampled_as`). Only
one post per near-duplicate group is served, and a group with a labeled post is done, so the
team is not shown forty copies of one campaign message. Labels need `Right.LABEL` (data, admin),
a named user once any user exists (monitor.policy), and each is audited.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.errors import N_, InvalidInput, NotFound
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.labels import (
    SAMPLED_AS,
    Candidate,
    LabelRow,
    add_label,
    candidate,
    labeled_records,
    random_candidates,
    uncertain_candidates,
)
from storage.records import CATEGORIES, HARD_CASES, PostRecord, record_to_dict

__all__ = ["LabelItem", "LabelRow", "DEFAULT_RANDOM_SHARE", "next_items", "set_label",
           "export_labels", "training_records"]

DEFAULT_RANDOM_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class LabelItem:
    post_id: int
    platform: str
    external_id: str
    url: str | None
    author: str
    text: str
    score: float
    threshold: float
    sampled_as: str   # uncertain | random
    group: int        # near-duplicate group (the post's own id when it has none)
    group_size: int

    def as_dict(self) -> dict[str, object]:
        return {"post_id": self.post_id, "platform": self.platform,
                "external_id": self.external_id, "url": self.url, "author": self.author,
                "text": self.text, "score": self.score, "threshold": self.threshold,
                "sampled_as": self.sampled_as, "group": self.group, "group_size": self.group_size}


def _random_count(limit: int, share: float, rng: random.Random) -> int:
    """limit·share items, the fraction drawn (so one item at a time still meets the share)."""
    whole = math.floor(limit * share)
    return min(limit, whole + (1 if rng.random() < limit * share - whole else 0))


def _uncertain(session: Session, wanted: int, taken: set[int]) -> list[Candidate]:
    out: list[Candidate] = []
    offset, page = 0, max(20, wanted * 4)
    while len(out) < wanted:
        rows = uncertain_candidates(session, offset=offset, limit=page)
        for row in rows:
            if row.group not in taken and len(out) < wanted:
                taken.add(row.group)
                out.append(row)
        if len(rows) < page:
            break
        offset += page
    return out


def next_items(db: Database, actor: Actor, limit: int = 10, *,
               random_share: float = DEFAULT_RANDOM_SHARE,
               rng: random.Random | None = None) -> list[LabelItem]:
    """The next `limit` posts to label, one per near-duplicate group, unlabeled groups only."""
    require(actor, Right.LABEL)
    if limit < 1:
        raise InvalidInput(N_("--limit must be at least 1"))
    rng = rng or random.Random()
    n_random = _random_count(limit, random_share, rng)
    taken: set[int] = set()
    with db.reader() as session:
        picked = _uncertain(session, limit - n_random, taken)
        randoms: list[Candidate] = []
        for row in random_candidates(session, rng, n_random * 3):
            if row.group not in taken and len(randoms) < n_random:
                taken.add(row.group)
                randoms.append(row)
        if len(picked) + len(randoms) < limit:  # too few to draw from: fill with uncertain
            picked += _uncertain(session, limit - len(picked) - len(randoms), taken)
        order = _interleave(picked, randoms, limit)
        items = []
        for row, how in order:
            entry = candidate(session, row.post_id)
            if entry is not None:
                items.append(LabelItem(entry.post_id, entry.platform, entry.external_id,
                                       entry.url, entry.author, entry.text, row.score,
                                       row.threshold, how, row.group, entry.group_size))
    return items


def _interleave(uncertain: list[Candidate], randoms: list[Candidate],
                limit: int) -> list[tuple[Candidate, str]]:
    """Random items spread evenly among the uncertain ones (which keep their order)."""
    total = min(limit, len(uncertain) + len(randoms))
    slots = {int((k + 0.5) * total / len(randoms)) for k in range(len(randoms))} if randoms else set()
    out: list[tuple[Candidate, str]] = []
    u, r = iter(uncertain), iter(randoms)
    for position in range(total):
        source = (r, "random") if position in slots else (u, "uncertain")
        item = next(source[0], None)
        if item is None:
            source = (u, "uncertain") if source[1] == "random" else (r, "random")
            item = next(source[0], None)
        if item is not None:
            out.append((item, source[1]))
    return out


def set_label(db: Database, actor: Actor, post_id: int, label: int, *,
              category: str | None = None, hard_case: str | None = None,
              sampled_as: str = "chosen") -> LabelRow:
    """Label a post 0/1 (a positive may carry its KASN category, a negative its hard case);
    a relabel keeps the earlier label on record and names it in the audit entry."""
    require(actor, Right.LABEL)
    if label not in (0, 1):
        raise InvalidInput(N_("label must be 0 or 1"))
    if category is not None and (label != 1 or category not in CATEGORIES):
        raise InvalidInput(N_("category is for positives only, one of {choices}"),
                           choices=", ".join(CATEGORIES))
    if hard_case is not None and (label != 0 or hard_case not in HARD_CASES):
        raise InvalidInput(N_("hard case is for negatives only, one of {choices}"),
                           choices=", ".join(HARD_CASES))
    if sampled_as not in SAMPLED_AS:
        sampled_as = "chosen"
    with db.session() as session:
        if candidate(session, post_id) is None:
            raise NotFound(N_("no post with id {id}"), id=post_id)
        row, previous = add_label(session, post_id, label, category=category,
                                  hard_case=hard_case, sampled_as=sampled_as,
                                  labeled_by=actor.name)
        details: dict[str, object] = {"label": label, "category": category,
                                      "hard_case": hard_case, "sampled_as": sampled_as}
        if previous is not None:
            details["previous"] = {"label": previous.label, "category": previous.category,
                                   "hard_case": previous.hard_case,
                                   "labeled_by": previous.labeled_by}
        append_audit(session, actor=actor.name, action="label.relabel" if previous else "label.set",
                     entity="post", entity_id=str(post_id), details=details)
    return row


def training_records(db: Database) -> Iterator[PostRecord]:
    """Every current label as an interchange PostRecord (label, category, hard_case; extra
    `labeled_by`, `labeled_at`, `sampled_as`), for `pantau train` beside the seed corpus and
    reviewers' decisions. Reads in batches; no right needed (the training use case checks)."""
    with db.reader() as session:
        yield from labeled_records(session)


def export_labels(db: Database, actor: Actor, out: Path) -> int:
    """Write every current label as interchange JSON Lines to `out`; audited with the count."""
    require(actor, Right.LABEL)
    tmp = out.with_name(out.name + ".part")
    count = 0
    with tmp.open("w", encoding="utf-8") as handle:
        for record in training_records(db):
            handle.write(json.dumps(record_to_dict(record), ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, out)
    with db.session() as session:
        append_audit(session, actor=actor.name, action="label.export", entity="labels",
                     details={"count": count, "path": str(out)})
    return count
