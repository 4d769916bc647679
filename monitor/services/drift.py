"""Drift watch for the data team: is the stream moving away from what the model was trained on?

Two signals, week by week (rolling 7-day windows ending now): the share of scored posts that
are flagged, per source and per platform — a source whose share jumps or collapses has changed,
or the model has stopped recognising it — and the new terms: those carrying the most weight in
the explanations of this week's flagged posts (classifier/explain.py) that are rare in the seed
corpus the model learned from — a new candidate's slogan or hashtag shows up here before recall
drops. Needs `Right.VIEW_MODELS` (data, admin).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.db import Database
from storage.drift import ShareRow, flag_shares, flagged_explanations

__all__ = ["WEEKS", "RARE_IN_SEED", "WeekShares", "NewTerm", "DriftReport", "drift_report",
           "new_terms"]

WEEKS = 8
RARE_IN_SEED = 0.005  # a term in at most this share of the seed texts counts as new
MIN_POSTS = 2         # a term must drive at least this many flagged posts this week
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class WeekShares:
    start: datetime
    end: datetime
    by_source: list[ShareRow]
    by_platform: list[ShareRow]


@dataclass(frozen=True)
class NewTerm:
    term: str
    weight: float     # summed over this week's flagged posts
    posts: int        # flagged posts it helped flag
    seed_share: float  # share of seed texts that contain it


@dataclass(frozen=True)
class DriftReport:
    weeks: list[WeekShares]   # oldest first
    new_terms: list[NewTerm]
    flagged_this_week: int


@cache
def _seed_texts() -> tuple[frozenset[str], ...]:
    """Word sets of the seed corpus texts and author bios (loaded once per process)."""
    from classifier.corpus import load_seed_corpus

    return tuple(frozenset(_WORD.findall(f"{r.text}\n{r.author.bio}".casefold()))
                 for r in load_seed_corpus())


def _seed_share(term: str, seeds: tuple[frozenset[str], ...]) -> float:
    words = _WORD.findall(term.casefold())
    if not words or not seeds:
        return 1.0
    return sum(1 for s in seeds if all(w in s for w in words)) / len(seeds)


def new_terms(explanations: Iterable[list[list[object]]], *, limit: int = 15,
              seed: Callable[[], tuple[frozenset[str], ...]] = _seed_texts) -> tuple[list[NewTerm], int]:
    """The weightiest terms of these explanations that are rare in the seed corpus, and the
    number of explanations read."""
    weight: dict[str, float] = {}
    posts: dict[str, int] = {}
    shown: dict[str, str] = {}
    count = 0
    for explanation in explanations:
        count += 1
        seen: set[str] = set()
        for pair in explanation:
            term, value = str(pair[0]), float(pair[1])  # type: ignore[arg-type]
            key = " ".join(_WORD.findall(term.casefold()))
            if not key or value <= 0:
                continue
            shown.setdefault(key, term)
            weight[key] = weight.get(key, 0.0) + value
            if key not in seen:
                posts[key] = posts.get(key, 0) + 1
                seen.add(key)
    seeds = seed()
    found = []
    for key in sorted(weight, key=lambda k: (-weight[k], k)):
        if posts[key] < MIN_POSTS:
            continue
        share = _seed_share(key, seeds)
        if share <= RARE_IN_SEED:
            found.append(NewTerm(shown[key], round(weight[key], 4), posts[key], share))
        if len(found) >= limit:
            break
    return found, count


def drift_report(db: Database, actor: Actor, *, now: datetime | None = None,
                 weeks: int = WEEKS) -> DriftReport:
    require(actor, Right.VIEW_MODELS)
    end = now or datetime.now(UTC)
    out = []
    with db.reader() as session:
        for k in range(weeks - 1, -1, -1):
            stop = end - timedelta(days=7 * k)
            start = stop - timedelta(days=7)
            out.append(WeekShares(start, stop, flag_shares(session, start, stop, "source"),
                                  flag_shares(session, start, stop, "platform")))
        terms, flagged = new_terms(flagged_explanations(session, end - timedelta(days=7), end))
    return DriftReport(out, terms, flagged)
