"""Cost of binding decisions to the audit chain (issue 8): decide and verify, beside baselines.

Usage: python bench/audit_bench.py [--items 2000] [--postgres URL]

Queues N flagged posts, then records one decision on each twice over: through the use case
(monitor.services.review.decide: rights, version guard, decision row, audit entry with the row's
SHA-256 binding), and — the bare baseline — through storage.reviews.decide plus an unbound
audit entry, on a second set of items. Then times `verify_chain` (the hash chain alone, the old
`audit verify`) beside `verify_log` (chain + every decision/user/source row; the baseline's
unbound rows are reported, as they must be). Prints the figures and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.policy import operator_actor  # noqa: E402
from monitor.services import review  # noqa: E402
from storage.audit import append_audit, verify_chain, verify_log  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.posts import store_posts  # noqa: E402
from storage.records import PostRecord  # noqa: E402
from storage.reviews import ScoreRow, add_scores, decide, enqueue, review_queue  # noqa: E402


def queue_items(db: Database, n: int, prefix: str) -> list[int]:
    records = [PostRecord(platform="x", external_id=f"{prefix}{i}", text=f"ayo coblos {i}")
               for i in range(n)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m", 0.9, 0.5, True, None, []) for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.reader() as session:
        return [i.id for i in review_queue(session, limit=n) if i.external_id.startswith(prefix)]


def bare(db: Database, ids: list[int]) -> float:
    start = time.perf_counter()
    for item in ids:
        with db.session() as session:
            decide(session, item, decision="rejected", reviewer="bench")
            append_audit(session, actor="bench", action="review.decide", entity="review",
                         entity_id=item, details={"decision": "rejected"})
    return time.perf_counter() - start


def through_use_case(db: Database, ids: list[int]) -> float:
    actor = operator_actor(users_exist=False)
    start = time.perf_counter()
    for item in ids:
        review.decide(db, actor, item, decision="rejected")
    return time.perf_counter() - start


def timed(fn, db: Database) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with db.reader() as session:
        fn(session)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--postgres", help="admin URL: run on a throwaway PostgreSQL database")
    args = parser.parse_args()
    drop = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            from bench.pg import postgres_database

            url, drop = postgres_database(args.postgres)
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        upgrade(db)
        n = args.items
        t_bare = bare(db, queue_items(db, n, "b"))
        t_case = through_use_case(db, queue_items(db, n, "u"))
        t_chain = timed(verify_chain, db)
        t_log = timed(verify_log, db)
        with db.reader() as session:  # the baseline's rows are unbound: exactly those are named
            assert len(verify_log(session).row_problems) == n
        db.dispose()
        if drop:
            drop()
    figures = {
        "backend": "postgresql" if args.postgres else "sqlite", "decisions": n,
        "decide_bare_per_s": round(n / t_bare, 1),
        "decide_use_case_per_s": round(n / t_case, 1),
        "verify_chain_s": round(t_chain, 3), "verify_log_s": round(t_log, 3),
        "entries": 2 * n,
    }
    print(f"decisions, bare storage + unbound entry: {figures['decide_bare_per_s']}/s")
    print(f"decisions through the use case (bound):  {figures['decide_use_case_per_s']}/s")
    print(f"audit verify, chain only ({2 * n} entries): {t_chain:.3f}s")
    print(f"audit verify, chain + rows:              {t_log:.3f}s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
