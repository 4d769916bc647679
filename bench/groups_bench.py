"""Near-duplicate grouping and the queries built on it (issue 12).

Usage: python bench/groups_bench.py [--posts 10000] [--large 100000] [--postgres URL]

1. Stores `--posts` posts in batches of 2000 (a fifth are lightly edited copies of 50 campaign
   messages, the rest texts of their own) and reports posts/s of `store_posts` — which groups
   them in the same transaction — beside the grouping alone (`assign_groups` re-run over the
   same posts with their band keys removed: the backfill path).
2. On `--large` posts (a third flagged), times the dashboard's `largest_flagged_groups`, the
   detail page's `same_text`, and one page of the labeling queue, median of 5 runs, and prints
   the query plan of the dashboard query. Prints the figures and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import delete, text, update  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.labels import uncertain_candidates  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Post, PostBand  # noqa: E402
from storage.near_duplicates import assign_groups, largest_flagged_groups, same_text  # noqa: E402
from storage.posts import store_posts  # noqa: E402
from storage.records import Author, PostRecord  # noqa: E402
from storage.reviews import ScoreRow, add_scores, enqueue  # noqa: E402

ONSETS = "bcdghjklmnprstwy"
VOWELS = "aeiou"


def _word(rng: random.Random) -> str:
    """An Indonesian-looking word (consonant-vowel syllables) from a vocabulary of thousands."""
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))


def texts(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    campaigns = [" ".join(_word(rng) for _ in range(rng.randint(18, 40))) for _ in range(50)]
    out = []
    for _ in range(n):
        if rng.random() < 0.2:
            words = rng.choice(campaigns).split()
            words[rng.randrange(len(words))] = _word(rng)
            out.append(" ".join(words) + rng.choice(["", " https://t.co/x", " @kawan"]))
        else:
            out.append(" ".join(_word(rng) for _ in range(rng.randint(12, 40))))
    return out


def store(db: Database, all_texts: list[str], *, flag_every: int = 0, offset: int = 0) -> float:
    start = time.perf_counter()
    for b in range(0, len(all_texts), 2000):
        records = [PostRecord(platform="x", external_id=f"p{offset + b + i}", text=t,
                              author=Author(handle=f"a{(offset + b + i) % 5000}"))
                   for i, t in enumerate(all_texts[b:b + 2000])]
        with db.session() as session:
            stored = store_posts(session, records, checked=True)
            rows = [ScoreRow(s.id, 1, "m", random.random(), 0.5,
                             bool(flag_every) and s.id % flag_every == 0, None, []) for s in stored]
            add_scores(session, rows)
            if flag_every:
                enqueue(session, [r for r in rows if r.flagged])
    return time.perf_counter() - start


def regroup(db: Database) -> float:
    with db.session() as session:
        session.execute(delete(PostBand))
        session.execute(update(Post).values(dup_group=None))
    with db.reader() as session:
        posts = [(i, t) for i, t in session.execute(text("SELECT id, text FROM posts ORDER BY id"))]
    start = time.perf_counter()
    for b in range(0, len(posts), 2000):
        with db.session() as session:
            assign_groups(session, posts[b:b + 2000])
    return time.perf_counter() - start


def median_ms(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        upgrade(db)
        small = texts(args.posts)
        stored_s = store(db, small)
        grouping_s = regroup(db)
        with db.reader() as session:
            grouped = session.scalar(text("SELECT count(*) FROM posts WHERE dup_group IS NOT NULL"))
            groups = session.scalar(text("SELECT count(DISTINCT dup_group) FROM posts"))
        print(f"{args.posts} posts: store_posts with grouping {args.posts / stored_s:,.0f} posts/s; "
              f"grouping alone {args.posts / grouping_s:,.0f} posts/s; {grouped} posts in {groups} groups")
        db.dispose()
        url2 = args.postgres or f"sqlite:///{Path(tmp) / 'large.db'}"
        if args.postgres:
            with db.session() as session:
                session.execute(text("TRUNCATE posts, authors CASCADE"))
        large = Database(url2)
        upgrade(large)
        store(large, texts(args.large, seed=2), flag_every=3)
        with large.reader() as session:
            some = session.scalar(text("SELECT min(id) FROM posts WHERE dup_group IS NOT NULL"))
            plan = [str(r) for r in session.execute(text(
                ("EXPLAIN QUERY PLAN " if "sqlite" in url2 else "EXPLAIN ") +
                "SELECT p.dup_group, count(DISTINCT p.author_id), count(*), min(r.id) FROM posts p "
                "JOIN reviews r ON r.post_id = p.id WHERE p.dup_group IS NOT NULL "
                "GROUP BY p.dup_group ORDER BY 2 DESC LIMIT 10"))]
            dashboard_ms = median_ms(lambda: largest_flagged_groups(session))
            detail_ms = median_ms(lambda: same_text(session, some))
            label_ms = median_ms(lambda: uncertain_candidates(session, offset=0, limit=40), runs=3)
        print(f"{args.large} posts: largest_flagged_groups {dashboard_ms} ms, same_text {detail_ms} ms, "
              f"labeling queue page {label_ms} ms")
        print("plan:", *plan, sep="\n  ")
        print(json.dumps({"bench": "groups", "posts": args.posts,
                          "store_posts_per_s": round(args.posts / stored_s),
                          "grouping_per_s": round(args.posts / grouping_s),
                          "large": args.large, "largest_flagged_groups_ms": dashboard_ms,
                          "same_text_ms": detail_ms, "label_page_ms": label_ms}))
        large.dispose()


if __name__ == "__main__":
    main()
