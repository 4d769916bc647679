"""Import throughput: `pantau import --no-classify` beside the database's own bulk load of the same rows.

For each backend (SQLite, and PostgreSQL when PANTAU_TEST_POSTGRES_URL is set) it imports N
synthetic interchange posts through the real pipeline (parse, validate, dedupe, author upsert,
store with each line's raw evidence, near-duplicate grouping) and, in a second database migrated
the same way, loads the same rows — already decoded, hashed and converted — into the real
`authors` and `posts` tables (every column, every index) with bare DB-API calls: one
`executemany` per 2,000 rows on SQLite, one `COPY` per table on PostgreSQL. That is the floor
any importer pays. Also printed, for comparison with earlier figures: the former baseline, an
executemany into a thin twin table (7 text columns, one unique index).

The texts are Indonesian-looking words from a vocabulary of 5,000 (a fifth copies of 50
campaign messages with one word changed), as in bench/groups_bench.py. Peak memory is measured
on separate `pantau import` processes reading files of two sizes (flat: the same peak).

    python bench/import_bench.py [--posts 200000] [--memory-lines 50000 200000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg import postgres_database

from monitor.pipeline import import_lines
from storage.db import Database
from storage.interchange import read_interchange
from storage.migrate import upgrade

ONSETS = "bcdghjklmnprstwy"
VOWELS = "aeiou"
EMOJI = ["🙏", "☝️", "✌️", ""]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))


def write_posts(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vocab = [_word(rng) for _ in range(5000)]
    campaigns = [" ".join(rng.choice(vocab) for _ in range(rng.randint(18, 40))) for _ in range(50)]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            user = rng.randrange(count // 20 + 1)
            if rng.random() < 0.2:
                words = rng.choice(campaigns).split()
                words[rng.randrange(len(words))] = rng.choice(vocab)
                text = " ".join(words)
            else:
                text = " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 40)))
            handle.write(json.dumps({
                "platform": rng.choice(("facebook", "instagram", "x", "tiktok")),
                "external_id": f"bench-{i}",
                "url": f"https://example.org/p/{i}",
                "author": {"handle": f"user{user}", "name": f"Warga {user}",
                           "bio": "ASN Pemkab" if user % 3 else ""},
                "text": text + rng.choice(EMOJI),
                "posted_at": f"2024-11-{rng.randint(1, 27):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08:00",
                "region": rng.choice(("Kota Kendari", "Kab. Muna", None)),
            }, ensure_ascii=False) + "\n")


CPU: dict[str, float] = {}  # posts per CPU-second of this process, by run: steadier than the
# wall clock on a shared machine (SQLite works in-process; PostgreSQL's server time is not in it)


def pipeline_import(url: str, path: Path, *, grouping: bool = True) -> float:
    """posts/s of the real import; `grouping=False` (a diagnostic, never a product path) skips
    the near-duplicate grouping that storage.posts runs in each batch's transaction."""
    import storage.posts as posts_module

    db = Database(url)
    upgrade(db)
    group = posts_module._group
    if not grouping:
        posts_module._group = lambda session, stored: None  # type: ignore[assignment]
    start, cpu = time.perf_counter(), time.process_time()
    try:
        with path.open("rb") as handle:
            stats = import_lines(db, read_interchange(handle, name=path.name), scorer=None)
    finally:
        posts_module._group = group
    elapsed = time.perf_counter() - start
    CPU["import" if grouping else "without_grouping"] = stats.new / (time.process_time() - cpu)
    db.dispose()
    assert stats.new > 0 and stats.rejected == 0, stats
    return stats.new / elapsed


AUTHOR_COLUMNS = ("id", "platform", "handle", "name", "bio", "url", "asn_status", "first_seen_at")
POST_COLUMNS = ("platform", "external_id", "url", "author_id", "text", "posted_at", "collected_at",
                "region", "content_sha256", "version", "status")


def bare_rows(path: Path, pg: bool) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The authors and posts rows of the file as the database receives them (decoded, hashed,
    dates converted), built before the clock starts."""
    now = datetime.now(UTC)
    stamp: Any = now if pg else now.replace(tzinfo=None).isoformat(" ")
    authors: dict[tuple[str, str], tuple[Any, ...]] = {}
    posts: dict[tuple[str, str], tuple[Any, ...]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            a = d["author"]
            key = (d["platform"], a["handle"])
            if key not in authors:
                authors[key] = (len(authors) + 1, key[0], key[1], a["name"], a["bio"], "",
                                "unknown", stamp)
            posted = datetime.fromisoformat(d["posted_at"]).astimezone(UTC)
            posts[(d["platform"], d["external_id"])] = (
                d["platform"], d["external_id"], d["url"], authors[key][0], d["text"],
                posted if pg else posted.replace(tzinfo=None).isoformat(" "), stamp,
                d.get("region"), hashlib.sha256(d["text"].encode()).hexdigest(), 1, "active")
    return list(authors.values()), list(posts.values())


def bare_load(url: str, path: Path) -> float:
    """Same rows into the real (migrated, empty) authors and posts tables, bare DB-API: rows/s."""
    db = Database(url)  # its engine: the connection settings Pantau writes with (WAL, synchronous)
    upgrade(db)
    engine = db.engine
    pg = engine.dialect.name == "postgresql"
    authors, posts = bare_rows(path, pg)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        start, cpu = time.perf_counter(), time.process_time()
        if pg:
            with cur.copy(f"COPY authors ({', '.join(AUTHOR_COLUMNS)}) FROM STDIN") as copy:
                for row in authors:
                    copy.write_row(row)
            with cur.copy(f"COPY posts ({', '.join(POST_COLUMNS)}) FROM STDIN") as copy:
                for row in posts:
                    copy.write_row(row)
            raw.commit()
        else:
            # Pantau's SQLite connections are in autocommit mode (it issues BEGIN IMMEDIATE
            # itself): one explicit transaction per 2,000 rows, like an import batch.
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(f"INSERT INTO authors ({', '.join(AUTHOR_COLUMNS)}) VALUES "
                            f"({', '.join('?' * len(AUTHOR_COLUMNS))})", authors)
            cur.execute("COMMIT")
            sql = (f"INSERT INTO posts ({', '.join(POST_COLUMNS)}) VALUES "
                   f"({', '.join('?' * len(POST_COLUMNS))})")
            for i in range(0, len(posts), 2000):
                cur.execute("BEGIN IMMEDIATE")
                cur.executemany(sql, posts[i:i + 2000])
                cur.execute("COMMIT")
        elapsed = time.perf_counter() - start
        CPU["bare"] = len(posts) / (time.process_time() - cpu)
    finally:
        raw.close()
        db.dispose()
    return len(posts) / elapsed


def thin_executemany(url: str, path: Path) -> float:
    """The former baseline: decoded tuples into a thin twin table (7 text columns, one unique
    index), one executemany per 1,000 — kept to compare with the figures measured against it."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            rows.append((d["platform"], d["external_id"], d["url"], d["text"], d["posted_at"],
                         d.get("region"), json.dumps(d["author"])))
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("DROP TABLE IF EXISTS bare_posts")
        cur.execute("CREATE TABLE bare_posts (platform TEXT, external_id TEXT, url TEXT, text TEXT, "
                    "posted_at TEXT, region TEXT, author TEXT, UNIQUE (platform, external_id))")
        raw.commit()
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        sql = f"INSERT INTO bare_posts VALUES ({', '.join([mark] * 7)})"
        start = time.perf_counter()
        for i in range(0, len(rows), 1000):
            cur.executemany(sql, rows[i:i + 1000])
            raw.commit()
        elapsed = time.perf_counter() - start
        cur.execute("DROP TABLE bare_posts")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return len(rows) / elapsed


_CHILD = """
import atexit, sys
REPORT = sys.argv[1]
def report():
    with open(REPORT, "w") as out:
        out.write(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")))
atexit.register(report)
sys.argv = ["pantau"] + sys.argv[2:]
from monitor.cli import main
main()
"""


def peak_memory_mb(path: Path, workdir: Path) -> float:
    """Peak RSS of a `pantau import` process, read from its own /proc VmHWM at exit.

    (getrusage's maxrss would also count the pages this big parent shares at fork time.)
    """
    env = {**os.environ, "PANTAU_HOME": str(workdir / "mem-home"),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    url = f"sqlite:///{workdir / (path.stem + '-mem.db')}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    report = workdir / "vmhwm.txt"
    subprocess.run([sys.executable, "-c", _CHILD, str(report), "--db", url, "import", str(path),
                    "--no-classify"], env=env, stderr=subprocess.DEVNULL, check=True)
    return int(report.read_text().split()[1]) / 1024


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--memory-lines", type=int, nargs="*", default=[50_000, 200_000],
                        help="file sizes whose peak memory is measured (none: skip)")
    parser.add_argument("--without-grouping", action="store_true",
                        help="also time the import with near-duplicate grouping skipped (diagnostic)")
    args = parser.parse_args()
    results: dict[str, object] = {"posts": args.posts}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "posts.jsonl"
        write_posts(data, args.posts)
        backends = [("sqlite", f"sqlite:///{work / 'bench.db'}", f"sqlite:///{work / 'bare.db'}",
                     None)]
        pg = os.environ.get("PANTAU_TEST_POSTGRES_URL")
        if pg:
            url, drop_pg = postgres_database(pg)
            bare_url, drop_bare = postgres_database(pg)
            backends.append(("postgresql", url, bare_url, lambda: (drop_pg(), drop_bare())))
        print(f"{'backend':<11} {'pantau import':>15} {'bare (real tables)':>24} {'ratio':>6} "
              f"{'thin twin (old)':>17} {'ratio':>6}  load average")
        for name, url, bare_url, drop in backends:
            try:
                ours = pipeline_import(url, data)
                bare = bare_load(bare_url, data)
                thin = thin_executemany(bare_url, data)
                if args.without_grouping:
                    if name == "sqlite":
                        loose_url = f"sqlite:///{work / 'loose.db'}"
                    else:
                        loose_url, drop_loose = postgres_database(pg or "")
                    try:
                        loose = pipeline_import(loose_url, data, grouping=False)
                    finally:
                        if name != "sqlite":
                            drop_loose()
            finally:
                if drop:
                    drop()
            kind = "COPY" if name == "postgresql" else "executemany"
            print(f"{name:<11} {ours:>11,.0f} p/s {kind:>11} {bare:>8,.0f} r/s {ours / bare:>6.1%} "
                  f"{thin:>13,.0f} r/s {ours / thin:>6.1%}  {_load()}")
            results[name] = {"posts_per_s": round(ours), "bare": kind,
                             "bare_rows_per_s": round(bare), "ratio": round(ours / bare, 3),
                             "thin_rows_per_s": round(thin), "thin_ratio": round(ours / thin, 3),
                             "load": _load()}
            cpu = {key: round(value) for key, value in CPU.items()}
            results[name]["per_cpu_s"] = cpu  # type: ignore[index]
            if args.without_grouping:
                print(f"{'':<11} {loose:>11,.0f} p/s without near-duplicate grouping "
                      f"(diagnostic): {loose / bare:.1%} of bare")
                results[name]["without_grouping_posts_per_s"] = round(loose)  # type: ignore[index]
            if name == "sqlite":
                print(f"{'':<11} per CPU-second of this process: {cpu}  import/bare "
                      f"{CPU['import'] / CPU['bare']:.1%}")
            CPU.clear()
        peaks = {}
        for lines in args.memory_lines:
            big = work / f"mem{lines}.jsonl"
            write_posts(big, lines, seed=11)
            peaks[lines] = round(peak_memory_mb(big, work), 1)
            big.unlink()
            print(f"peak memory importing {lines:,} lines: {peaks[lines]:,.0f} MB  (load {_load()})")
        if peaks:
            results["peak_memory_mb"] = peaks
    print(json.dumps({"bench": "import", **results}))


if __name__ == "__main__":
    main()
