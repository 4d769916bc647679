"""A reusable election-scale data set for the web bench: built once, bulk-loaded, kept.

SQLite: a file under the data folder (default `~/.cache/pantau-bench`); PostgreSQL: a database
named after the size on the server given. A `bench_meta` table marks a complete build, so a run
that finds one reuses it (and only migrates it to the current head); an interrupted build is
rebuilt. Rows go in through the DB-API in one transaction (executemany on SQLite, COPY on
PostgreSQL), the full-text index is built once after the load, then ANALYZE.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

__all__ = ["PLATFORMS", "REGIONS", "SOURCES", "CATEGORIES", "open_dataset"]

PLATFORMS = ("facebook", "x", "instagram", "tiktok", "telegram")
REGIONS = tuple(f"Kabupaten Contoh {i:02d}" for i in range(40))
SOURCES = tuple(f"bench-source-{i:03d}" for i in range(200))
CATEGORIES = ("social_media_campaign", "party_approach", "partisan_activity", "banner",
              "partisan_decision")
WORDS = ("coblos", "nomor", "baliho", "paslon", "menangkan", "apel", "korpri", "dinas", "pilkada",
         "deklarasi", "relawan", "desa", "bantuan", "jalan", "sekolah", "puskesmas", "camat",
         "lurah", "guru", "bupati", "kampanye", "dukung", "foto", "pose", "jari", "spanduk")
STATUSES = ("pending",) * 16 + ("confirmed", "confirmed", "rejected", "rejected", "escalated",
                                "awaiting_second_review")
DAYS = 60
BATCH = 20_000


def _cols(*names: str) -> tuple[str, ...]:
    return names


SOURCES_COLS = _cols("id", "name", "type", "url", "interval_seconds", "region", "options",
                     "enabled", "origin", "asn_status", "cursor", "created_at", "last_run_at",
                     "last_success_at", "consecutive_failures", "posts_collected")
AUTHORS_COLS = _cols("id", "platform", "handle", "name", "bio", "url", "asn_status",
                     "first_seen_at")
POSTS_COLS = _cols("id", "platform", "external_id", "url", "author_id", "text", "posted_at",
                   "collected_at", "source_id", "region", "content_sha256", "version", "status")
SCORES_COLS = _cols("id", "post_id", "post_version", "model_version", "score", "threshold",
                    "flagged", "category", "explanation", "scored_at")
REVIEWS_COLS = _cols("id", "post_id", "status", "priority", "category", "reviewer", "decided_at",
                     "created_at", "version")


def _posts(n: int, flagged: int, t0: datetime, authors: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(table, row) for every post, its score and, when flagged, its queue item."""
    rnd = random.Random(10)
    share = flagged / n
    review_id = 0
    span = DAYS * 86400
    explanation = json.dumps([["coblos", 0.31], ["paslon", 0.22], ["dinas", 0.1]])
    for p in range(1, n + 1):
        at = t0 + timedelta(seconds=span * p / n)
        words = " ".join(rnd.choice(WORDS) for _ in range(14))
        author = rnd.randrange(1, authors + 1)
        source = rnd.randrange(len(SOURCES))
        platform = PLATFORMS[author % len(PLATFORMS)]
        yield "posts", (p, platform, f"b{p}", f"https://{platform}.example/p/{p}", author,
                        f"{words} #{p}", at, at + timedelta(minutes=5), source + 1,
                        REGIONS[source % len(REGIONS)], f"{p:064x}", 1, "active")
        is_flagged = rnd.random() < share
        score = round(rnd.uniform(0.5, 1.0) if is_flagged else rnd.uniform(0.0, 0.49), 6)
        category = CATEGORIES[rnd.randrange(len(CATEGORIES))] if is_flagged else None
        yield "scores", (p, p, 1, "bench-1", score, 0.5, is_flagged, category,
                         explanation if is_flagged else None, at + timedelta(minutes=6))
        if is_flagged:
            review_id += 1
            status = STATUSES[rnd.randrange(len(STATUSES))]
            decided = None if status == "pending" else at + timedelta(hours=2)
            yield "reviews", (review_id, p, status, score,
                              category if status in ("confirmed", "awaiting_second_review")
                              else None, None if decided is None else "ani", decided,
                              at + timedelta(minutes=6), 1 if decided is None else 2)


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return v


def _load(db: Database, n: int, flagged: int) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=DAYS)
    authors = max(1, n // 50)
    fixed: dict[str, list[tuple[Any, ...]]] = {
        "sources": [(i + 1, name, "rss", f"https://news{i}.example/feed.xml", 900.0,
                     REGIONS[i % len(REGIONS)], "{}", True, "cli", "unknown", "{}", t0,
                     t0 + timedelta(days=DAYS), t0 + timedelta(days=DAYS), 0, n // len(SOURCES))
                    for i, name in enumerate(SOURCES)],
        "authors": [(a, PLATFORMS[a % len(PLATFORMS)], f"akun{a}", f"Pegawai Contoh {a}",
                     "ASN di Dinas Contoh", "", "unknown", t0) for a in range(1, authors + 1)],
    }
    cols = {"sources": SOURCES_COLS, "authors": AUTHORS_COLS, "posts": POSTS_COLS,
            "scores": SCORES_COLS, "reviews": REVIEWS_COLS}
    raw = db.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        cur = driver.cursor()
        if db.is_sqlite:
            cur.execute("BEGIN")
            # the FTS5 table is filled by a trigger on reviews: build it once after the load
            cur.execute("DROP TRIGGER IF EXISTS posts_fts_queue")
        else:
            cur.execute("DROP INDEX IF EXISTS ix_posts_text_fts")

        def write(table: str, rows: list[tuple[Any, ...]]) -> None:
            names = cols[table]
            if db.is_sqlite:
                cur.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                                f"({', '.join('?' * len(names))})",
                                [tuple(_sqlite_value(v) for v in r) for r in rows])
            else:
                with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)

        for table, rows in fixed.items():
            write(table, rows)
        pending: dict[str, list[tuple[Any, ...]]] = {"posts": [], "scores": [], "reviews": []}
        for table, row in _posts(n, flagged, t0, authors):
            pending[table].append(row)
            if len(pending["posts"]) >= BATCH:
                for name in ("posts", "scores", "reviews"):
                    write(name, pending[name])
                    pending[name] = []
        for name in ("posts", "scores", "reviews"):
            write(name, pending[name])
        if db.is_sqlite:
            cur.execute("INSERT INTO posts_fts(rowid, text) SELECT p.id, p.text FROM posts p "
                        "JOIN reviews r ON r.post_id = p.id")
            cur.execute("CREATE TRIGGER posts_fts_queue AFTER INSERT ON reviews BEGIN "
                        "INSERT INTO posts_fts(rowid, text) SELECT id, text FROM posts "
                        "WHERE id = new.post_id; END")
        else:
            for table in cols:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
            cur.execute("CREATE INDEX ix_posts_text_fts ON posts USING gin "
                        "(to_tsvector('simple', text))")
        cur.execute("CREATE TABLE bench_meta (posts INTEGER, flagged INTEGER, built_at TEXT)")
        cur.execute(f"INSERT INTO bench_meta VALUES ({n}, {flagged}, "
                    f"'{datetime.now(UTC).isoformat()}')")
        driver.commit()
        cur.execute("ANALYZE")
        driver.commit()
    finally:
        raw.close()


def _complete(db: Database, n: int, flagged: int) -> bool:
    try:
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT posts, flagged FROM bench_meta")).first()
    except Exception:  # noqa: BLE001 — no marker table: not built (or half built)
        return False
    return row is not None and tuple(row) == (n, flagged)


def _postgres_url(admin_url: str, name: str, *, fresh: bool) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists and fresh:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not exists or fresh:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def open_dataset(n: int, flagged: int, *, postgres: str = "",
                 folder: Path | None = None) -> tuple[Database, str, float]:
    """(database at head with the data set, its URL, seconds spent building it now: 0 if reused)."""
    name = f"pantau_web_bench_{n}_{flagged}"
    if postgres:
        url = _postgres_url(postgres, name, fresh=False)
    else:
        folder = folder or Path(os.environ.get("PANTAU_BENCH_DATA",
                                               Path.home() / ".cache" / "pantau-bench"))
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / (name + '.db')}"
    db = Database(url)
    if _complete(db, n, flagged):
        upgrade(db)
        return db, url, 0.0
    db.dispose()
    if postgres:
        url = _postgres_url(postgres, name, fresh=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(folder / (name + ".db")) + suffix).unlink(missing_ok=True)
    db = Database(url)
    upgrade(db)
    began = time.perf_counter()
    _load(db, n, flagged)
    try:  # the review rows' copies of post fields (migration 0011), where this code has them
        from storage.review_columns import sync_review_columns
    except ImportError:
        pass
    else:
        with db.session() as session:
            sync_review_columns(session)
        with db.engine.connect() as conn:  # statistics of the columns just filled, not the NULLs
            conn.execute(text("ANALYZE reviews"))
            conn.commit()
    return db, url, time.perf_counter() - began
