"""Import throughput: `pantau import --no-classify` beside a bare executemany of the same rows.

For each backend (SQLite, and PostgreSQL when PANTAU_TEST_POSTGRES_URL is set) it imports N
synthetic interchange posts through the real pipeline (parse, validate, dedupe, author upsert,
store) and, in the same database and run, inserts the same rows with one bare DB-API
executemany into a twin table: the floor that any importer pays. Peak memory is measured on a
separate `pantau import` process reading a 1,000,000-line file.

    python bench/import_bench.py [--posts 200000] [--memory-lines 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg import postgres_database

from monitor.pipeline import import_lines
from storage.db import Database
from storage.interchange import read_interchange
from storage.migrate import upgrade

WORDS = ["ayo", "coblos", "pilih", "nomor", "dukung", "paslon", "warga", "kendari", "konawe", "muna", "buton", "kolaka", "pasar", "jalan", "sekolah", "puskesmas", "bantuan", "kegiatan", "hari", "ini", "besok", "kita", "semua", "mantap", "🙏", "☝️", "✌️"]


def write_posts(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            user = rng.randrange(count // 20 + 1)
            handle.write(json.dumps({
                "platform": rng.choice(("facebook", "instagram", "x", "tiktok")),
                "external_id": f"bench-{i}",
                "url": f"https://example.org/p/{i}",
                "author": {"handle": f"user{user}", "name": f"Warga {user}",
                           "bio": "ASN Pemkab" if user % 3 else ""},
                "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))),
                "posted_at": f"2024-11-{rng.randint(1, 27):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08:00",
                "region": rng.choice(("Kota Kendari", "Kab. Muna", None)),
            }, ensure_ascii=False) + "\n")


def pipeline_import(url: str, path: Path) -> float:
    db = Database(url)
    upgrade(db)
    start = time.perf_counter()
    with path.open("rb") as handle:
        stats = import_lines(db, read_interchange(handle, name=path.name), scorer=None)
    elapsed = time.perf_counter() - start
    db.dispose()
    assert stats.new > 0 and stats.rejected == 0, stats
    return stats.new / elapsed


def bare_executemany(url: str, path: Path) -> float:
    """Same rows, already decoded, into a twin of the posts table with one executemany per 1000."""
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
    env = {**os.environ, "PANTAU_HOME": str(workdir / "mem-home")}
    url = f"sqlite:///{workdir / 'mem.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    report = workdir / "vmhwm.txt"
    subprocess.run([sys.executable, "-c", _CHILD, str(report), "--db", url, "import", str(path),
                    "--no-classify"], env=env, stderr=subprocess.DEVNULL, check=True)
    return int(report.read_text().split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--memory-lines", type=int, default=1_000_000)
    args = parser.parse_args()
    results: dict[str, object] = {"posts": args.posts}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "posts.jsonl"
        write_posts(data, args.posts)
        backends = [("sqlite", f"sqlite:///{work / 'bench.db'}", None)]
        pg = os.environ.get("PANTAU_TEST_POSTGRES_URL")
        if pg:
            url, drop = postgres_database(pg)
            backends.append(("postgresql", url, drop))
        print(f"{'backend':<11} {'pantau import':>15} {'bare executemany':>18} {'ratio':>7}")
        for name, url, drop in backends:
            try:
                ours = pipeline_import(url, data)
                bare = bare_executemany(url, data)
            finally:
                if drop:
                    drop()  # type: ignore[operator]
            print(f"{name:<11} {ours:>11,.0f} p/s {bare:>14,.0f} p/s {ours / bare:>6.0%}")
            results[name] = {"posts_per_s": round(ours), "bare_posts_per_s": round(bare),
                             "ratio": round(ours / bare, 3)}
        if args.memory_lines:
            big = work / "big.jsonl"
            write_posts(big, args.memory_lines, seed=11)
            peak = peak_memory_mb(big, work)
            print(f"peak memory importing {args.memory_lines:,} lines: {peak:,.0f} MB")
            results["peak_memory_mb"] = round(peak, 1)
            results["memory_lines"] = args.memory_lines
    print(json.dumps({"bench": "import", **results}))


if __name__ == "__main__":
    main()
