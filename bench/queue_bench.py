"""The review queue and its lists at election scale (issue 14), beside the bare SQL of each query.

Usage: python bench/queue_bench.py [--posts 1000000] [--calls 30] [--cli-calls 30]
                                   [--postgres URL | --no-postgres] [--no-plans]

Builds N posts (rows bulk-inserted straight into a migrated schema: ~20 % flagged, 1-3 score
rows per post, 20 regions and sources, reviews spread over every status) on SQLite and on a
fresh PostgreSQL database, then times ≥30 calls each of: the queue page (no filter), one item
(`review show`), a filtered page (region + status), that filter's count, a deep keyset page
(`--after`), and the CLI's `review list --limit 50 --json` run in-process after a warm-up (its
start-up — interpreter, imports — is what bench/startup_bench.py measures). Each storage call is
beside the bare SQL of the same query through the DB-API in the same run. Prints p50/p95 in ms,
the EXPLAIN plans of the statements storage actually sent, and one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.review_items import item_detail  # noqa: E402
from storage.reviews import QueueFilter, count_queue, review_queue  # noqa: E402

REGIONS = [f"Kabupaten {i:02d}" for i in range(20)]
STATUSES = ["pending"] * 6 + ["confirmed", "rejected", "escalated", "awaiting_second_review"]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

POSTS_COLS = ("id", "platform", "external_id", "url", "author_id", "text", "posted_at",
              "collected_at", "source_id", "region", "content_sha256", "version", "status")
SCORES_COLS = ("id", "post_id", "post_version", "model_version", "score", "threshold",
               "flagged", "category", "explanation", "scored_at")
REVIEWS_COLS = ("id", "post_id", "status", "priority", "category", "reviewer", "decided_at",
                "created_at", "version")


def rows(n: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows for n posts (deterministic)."""
    rnd = random.Random(14)
    out: dict[str, list[tuple[Any, ...]]] = {"sources": [], "authors": [], "posts": [],
                                               "scores": [], "reviews": []}
    for i, region in enumerate(REGIONS, 1):
        out["sources"].append((i, f"src{i}", "rss", f"https://example.org/{i}", 900.0, region,
                               "{}", True, "cli", "unknown", "{}", T0, 0, 0))
    for a in range(1, n // 10 + 2):
        out["authors"].append((a, "x", f"user{a}", f"User {a}", "", "", "unknown", T0))
    score_id = review_id = 0
    for p in range(1, n + 1):
        at = T0 + timedelta(seconds=p)
        region = rnd.randrange(len(REGIONS))
        out["posts"].append((p, "x", str(p), f"https://x.example/{p}", rnd.randrange(1, n // 10 + 2),
                             f"ayo dukung paslon nomor {p % 3 + 1} di pilkada #{p}", at, at,
                             region + 1, REGIONS[region], f"{p:064x}", 1, "active"))
        flagged = rnd.random() < 0.2
        for k in range(p % 3 + 1):
            score_id += 1
            last = k == p % 3
            score = rnd.uniform(0.5, 1.0) if (last and flagged) else rnd.uniform(0.0, 0.49)
            out["scores"].append((score_id, p, 1, f"m{k}", round(score, 6), 0.5, score >= 0.5,
                                  "ajakan" if score >= 0.5 else None,
                                  json.dumps([["coblos", 0.31], ["dukung", 0.2]]), at))
        if flagged:
            review_id += 1
            status = rnd.choice(STATUSES)
            decided = None if status == "pending" else at + timedelta(hours=1)
            out["reviews"].append((review_id, p, status, round(score, 6), None,
                                   None if decided is None else "ani", decided, at, 1))
    return out


SOURCES_COLS = ("id", "name", "type", "url", "interval_seconds", "region", "options", "enabled",
                "origin", "asn_status", "cursor", "created_at", "consecutive_failures",
                "posts_collected")
AUTHORS_COLS = ("id", "platform", "handle", "name", "bio", "url", "asn_status", "first_seen_at")
TABLES = {"sources": SOURCES_COLS, "authors": AUTHORS_COLS, "posts": POSTS_COLS,
          "scores": SCORES_COLS, "reviews": REVIEWS_COLS}


def load(db: Database, data: dict[str, list[tuple[Any, ...]]]) -> None:
    """Bulk-insert: executemany on SQLite, COPY on PostgreSQL; then ANALYZE."""
    raw = db.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        cur = driver.cursor()
        if db.is_sqlite:  # the engine's connections autocommit: one transaction for the load
            cur.execute("BEGIN")
        for table, cols in TABLES.items():
            if db.is_sqlite:
                sqlite_rows = [tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v
                                     for v in r) for r in data[table]]
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                                f"({', '.join('?' * len(cols))})", sqlite_rows)
            else:
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for r in data[table]:
                        copy.write_row(r)
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
        driver.commit()
    finally:
        raw.close()
    from storage.review_columns import sync_review_columns

    with db.session() as session:  # the review rows' copies of post fields (migration 0011)
        sync_review_columns(session)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


BARE = {
    "queue_page": (
        "SELECT r.id, r.priority, r.status, r.version, p.id, p.text, p.region, a.handle, "
        "(SELECT s.model_version FROM scores s WHERE s.post_id = r.post_id "
        "ORDER BY s.id DESC LIMIT 1) FROM reviews r JOIN posts p ON p.id = r.post_id "
        "LEFT JOIN authors a ON a.id = p.author_id WHERE r.status = :status "
        "ORDER BY r.priority DESC, r.id LIMIT 50"),
    "one_item": (
        "SELECT r.id, r.status, p.text, a.handle, so.name, "
        "(SELECT count(*) FROM scores s WHERE s.post_id = p.id) FROM reviews r "
        "JOIN posts p ON p.id = r.post_id LEFT JOIN authors a ON a.id = p.author_id "
        "LEFT JOIN sources so ON so.id = p.source_id WHERE r.id = :id"),
    "filtered_page": (
        "SELECT r.id, r.priority, p.id, p.text, a.handle FROM reviews r "
        "JOIN posts p ON p.id = r.post_id LEFT JOIN authors a ON a.id = p.author_id "
        "WHERE r.status = :status AND r.region = :region ORDER BY r.priority DESC, r.id LIMIT 50"),
    "filter_count": (
        "SELECT count(*) FROM reviews r WHERE r.status = :status AND r.region = :region"),
    "deep_keyset_page": (
        "SELECT r.id, r.priority, p.text FROM reviews r JOIN posts p ON p.id = r.post_id "
        "WHERE r.status = :status AND (r.priority < :priority OR (r.priority = :priority "
        "AND r.id > :id)) ORDER BY r.priority DESC, r.id LIMIT 50"),
}


def bare(db: Database, name: str, params: dict[str, Any]) -> Callable[[], Any]:
    """The same query as plain SQL through the DB-API (paramstyle per driver)."""
    sql = BARE[name]
    if db.is_sqlite:
        driver_sql = sql
    else:
        import re
        driver_sql = re.sub(r":(\w+)", r"%(\1)s", sql)
    raw = db.engine.raw_connection()

    def run() -> Any:
        cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
        cur.execute(driver_sql, params)
        return cur.fetchall()
    return run


def timed(fn: Callable[[], Any], calls: int) -> dict[str, float]:
    fn()  # warm
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": round(statistics.median(samples), 3),
            "p95": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 3)}


@contextlib.contextmanager
def captured(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The statements storage sends, for EXPLAIN."""
    sent: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        sent.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def explain(db: Database, statement: str, parameters: Any) -> str:
    raw = db.engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
        if db.is_sqlite:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(f"  {row[-1]}" for row in cur.fetchall())
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement, parameters)
        return "\n".join(f"  {row[0]}" for row in cur.fetchall())
    finally:
        raw.close()


def cli_call(url: str, env: dict[str, str]) -> Callable[[], Any]:
    """`pantau review list --limit 50 --json`, in this (warm) process."""
    from monitor.cli import cli

    def run() -> Any:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.main(["--db", url, "review", "list", "--limit", "50", "--json"],
                     prog_name="pantau", standalone_mode=False)
        return json.loads(out.getvalue())
    return run


def measure(db: Database, url: str, calls: int, cli_calls: int, plans: bool) -> dict[str, Any]:
    with db.reader() as session:
        pending = [i.id for i in review_queue(session, limit=10_000)]
        deep = pending[len(pending) // 2]
        deep_priority = next(i.score for i in review_queue(session, review_id=deep, limit=1))
    ids = iter(random.Random(1).choices(pending, k=calls + 1))
    region = QueueFilter(region=REGIONS[3])
    cases: dict[str, tuple[Callable[[Any], Any], dict[str, Any]]] = {
        "queue_page": (lambda s: review_queue(s, limit=50), {"status": "pending"}),
        "one_item": (lambda s: item_detail(s, next(ids, pending[0])), {"id": pending[7]}),
        "filtered_page": (lambda s: review_queue(s, limit=50, where=region),
                          {"status": "pending", "region": REGIONS[3]}),
        "filter_count": (lambda s: count_queue(s, where=region),
                         {"status": "pending", "region": REGIONS[3]}),
        "deep_keyset_page": (lambda s: review_queue(s, limit=50, after=deep),
                             {"status": "pending", "priority": deep_priority, "id": deep}),
    }
    result: dict[str, Any] = {}
    with db.reader() as session:
        for name, (call, params) in cases.items():
            result[name] = {"storage": timed(lambda c=call: c(session), calls),
                            "bare": timed(bare(db, name, params), calls)}
            if plans:
                with captured(session.get_bind()) as sent:
                    call(session)
                for statement, parameters in sent[:2]:
                    print(f"[{db.engine.dialect.name}] {name}:\n{explain(db, statement, parameters)}")
    env = dict(os.environ)
    result["cli_review_list_json"] = {"storage": timed(cli_call(url, env), cli_calls),
                                      "bare": result["queue_page"]["bare"]}
    return result


def run_backend(url: str, n: int, args: argparse.Namespace,
                data: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    db = Database(url)
    upgrade(db)
    start = time.perf_counter()
    load(db, data)
    built = time.perf_counter() - start
    try:
        figures = measure(db, url, args.calls, args.cli_calls, not args.no_plans)
    finally:
        db.dispose()
    figures["build_s"] = round(built, 1)
    return figures


def table(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name} (build {figures['build_s']} s)")
    print(f"{'query':<22}{'p50 ms':>10}{'p95 ms':>10}{'bare p50':>10}{'bare p95':>10}")
    for query, f in figures.items():
        if query == "build_s":
            continue
        s, b = f["storage"], f["bare"]
        print(f"{query:<22}{s['p50']:>10}{s['p95']:>10}{b['p50']:>10}{b['p95']:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--cli-calls", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("PANTAU_BENCH_POSTGRES_URL",
                                                             PG_DEFAULT))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f} "
          f"on {os.cpu_count()} cores; sqlite {sqlite3.sqlite_version}")
    data = rows(args.posts)
    flagged = len(data["reviews"])
    print(f"{args.posts} posts, {flagged} queue items, {len(data['scores'])} score rows")
    report: dict[str, Any] = {"bench": "queue", "posts": args.posts, "flagged": flagged,
                              "load_1m": round(os.getloadavg()[0], 1)}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run_backend(f"sqlite:///{Path(tmp) / 'queue.db'}", args.posts, args,
                                       data)
    table("SQLite", report["sqlite"])
    if not args.no_postgres:
        sys.path.insert(0, str(REPO / "bench"))
        from pg import postgres_database

        url, drop = postgres_database(args.postgres)
        try:
            report["postgresql"] = run_backend(url, args.posts, args, data)
        finally:
            drop()
        table("PostgreSQL", report["postgresql"])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
