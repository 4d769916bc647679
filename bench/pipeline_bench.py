"""End-to-end pipeline throughput: local feed server → fetch → store → classify → review queue.

For each backend (SQLite, and PostgreSQL when PANTAU_TEST_POSTGRES_URL is set) it serves N
interchange posts (cycled from the seed corpus, each with its own id) as JSON Lines files of
S sources from a local HTTP server, and runs every source once through the real
`monitor.scrape.run_source` (PoliteClient, snapshots, posts, scores, queue, cursor, audit), as
the scheduler does. In the same run it times the classifier's bare scikit-learn path on the same
posts (bench/classify_bench.py `bare_rate`): the limit. Prints the figures and one JSON line.
Targets (issue 5): ≥ 2,000 posts/s on SQLite and ≥ 60 % of the bare rate.

    python bench/pipeline_bench.py [--posts 20000] [--sources 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from classify_bench import bare_rate, write_posts  # noqa: E402
from pg import postgres_database  # noqa: E402

from classifier import ModelRegistry  # noqa: E402
from monitor.config import SourceSpec, load_settings  # noqa: E402
from monitor.scrape import make_client, run_source  # noqa: E402
from monitor.sources import add_source  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Post, Review  # noqa: E402


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def split_feeds(posts: list[dict[str, object]], directory: Path, sources: int) -> list[str]:
    names = []
    for s in range(sources):
        name = f"feed{s}.jsonl"
        with (directory / name).open("w", encoding="utf-8") as handle:
            for post in posts[s::sources]:
                handle.write(json.dumps(post, ensure_ascii=False) + "\n")
        names.append(name)
    return names


async def run_all(db: Database, settings: Any, names: list[str], scorer: Any) -> None:
    async with make_client(settings) as client:
        await asyncio.gather(*(run_source(db, n, client=client, scorer=scorer, settings=settings)
                               for n in names))


def one_backend(url: str, base: str, feeds: list[str], home: Path, scorer: Any) -> dict[str, Any]:
    env = {"PANTAU_HOME": str(home), "PANTAU_ALLOW_PRIVATE_NETWORKS": "1",
           "PANTAU_SCRAPE__MIN_HOST_DELAY": "0", "PANTAU_SCRAPE__RESPECT_ROBOTS": "0",
           "PANTAU_SCHEDULER__MIN_INTERVAL": "1s", "PANTAU_SCRAPE__CONTACT_URL": "https://example.test"}
    settings = load_settings(database_url=url, environ=env, cwd=home)
    db = Database(url)
    upgrade(db)
    names = [f"bench-{i}" for i in range(len(feeds))]
    for name, feed in zip(names, feeds, strict=False):
        add_source(db, SourceSpec(name=name, type="jsonl", url=f"{base}/{feed}", interval=60.0),
                   settings)
    start = time.perf_counter()
    asyncio.run(run_all(db, settings, names, scorer))
    seconds = time.perf_counter() - start
    with db.session() as session:
        posts = session.scalar(select(func.count()).select_from(Post)) or 0
        queued = session.scalar(select(func.count()).select_from(Review)) or 0
    db.dispose()
    return {"posts": posts, "queued": queued, "seconds": round(seconds, 2),
            "posts_per_s": round(posts / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--sources", type=int, default=10)
    args = parser.parse_args()
    results: dict[str, Any] = {"bench": "pipeline", "posts": args.posts, "sources": args.sources}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        home = root / "home"
        scorer = ModelRegistry(home / "models").ensure_default()
        (root / "feeds").mkdir()
        posts = write_posts(root / "all.jsonl", args.posts)
        feeds = split_feeds(posts, root / "feeds", args.sources)
        server, base = serve(root / "feeds")
        try:
            results["sqlite"] = one_backend(f"sqlite:///{root / 'bench.db'}", base, feeds, home, scorer)
            admin = os.environ.get("PANTAU_TEST_POSTGRES_URL")
            if admin:
                url, drop = postgres_database(admin)
                try:
                    results["postgresql"] = one_backend(url, base, feeds, home, scorer)
                finally:
                    drop()
        finally:
            server.shutdown()
        bare = bare_rate(scorer, posts)
    results["bare_sklearn_posts_per_s"] = round(bare, 1)
    results["model_version"] = scorer.version
    print(f"{'backend':<11} {'end-to-end':>14} {'bare sklearn':>14} {'ratio':>7}  queued")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            r = results[backend]
            r["ratio_to_bare"] = round(r["posts_per_s"] / bare, 3)
            print(f"{backend:<11} {r['posts_per_s']:>10,.0f} p/s {bare:>10,.0f} p/s "
                  f"{r['ratio_to_bare']:>6.0%}  {r['queued']:,} of {r['posts']:,} posts")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
