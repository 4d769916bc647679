"""Web app latency at scale (issue 10): queue, detail and dashboard pages over real HTTP,
beside the same storage queries run in process, in the same run.

Usage: python bench/web_bench.py [--posts 1000000] [--flagged 200000] [--requests 40]
                                 [--postgres URL]

Fills a fresh database (SQLite in a temporary folder, or a throwaway PostgreSQL database) with
posts of which a share is flagged and queued, serves the app with uvicorn on a loopback port,
logs in as a lead and times each page with an httpx client: the queue without a filter, with
each filter, with a full-text search and a deep keyset page; an item's detail page; the
dashboard (first request computes the aggregates, later ones are served from the one-minute
cache — both reported). The baseline for each is the storage function behind the page called
directly (the query and row mapping, no HTTP, no template). Prints median and p95 in ms and one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from monitor.config import load_settings  # noqa: E402
from monitor.policy import operator_actor  # noqa: E402
from monitor.services.users import add_user  # noqa: E402
from monitor.web.app import create_app  # noqa: E402
from storage.dashboard import dashboard_data  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.posts import store_posts  # noqa: E402
from storage.queue_search import QueueFilter, parse_after, search_queue  # noqa: E402
from storage.records import PostRecord  # noqa: E402
from storage.review_items import item_detail  # noqa: E402
from storage.reviews import ScoreRow, add_scores, enqueue  # noqa: E402

PLATFORMS = ("facebook", "x", "instagram", "tiktok", "telegram")
REGIONS = tuple(f"Kabupaten Contoh {i}" for i in range(40))
WORDS = ("coblos", "nomor", "baliho", "paslon", "menangkan", "apel", "korpri", "dinas", "pilkada",
         "deklarasi", "relawan", "desa", "bantuan", "jalan", "sekolah", "puskesmas")
CATEGORIES = ("social_media_campaign", "party_approach", "partisan_activity", "banner",
              "partisan_decision")
PASSWORD = "bench-password-1"


def _text(i: int) -> str:
    return " ".join(WORDS[(i * k + k) % len(WORDS)] for k in range(1, 9)) + f" #{i}"


def _mix(n: int) -> int:
    """A cheap integer hash, so flagged posts spread over platforms, regions and categories."""
    return (n * 2654435761) % 4294967296


def fill(db: Database, posts: int, flagged: int, batch: int = 5000) -> None:
    every = max(1, posts // max(flagged, 1))
    for start in range(0, posts, batch):
        records = [PostRecord(platform=PLATFORMS[i % 5], external_id=f"b{i}", text=_text(i),
                              region=REGIONS[i % len(REGIONS)])
                   for i in range(start, min(posts, start + batch))]
        with db.session() as session:
            stored = store_posts(session, records)
            rows = [ScoreRow(s.id, 1, "bench", 0.5 + (s.id * 7919 % 500) / 1000, 0.5, True,
                             CATEGORIES[_mix(s.id) // 7 % 5], [["coblos", 0.3]])
                    for s in stored if _mix(s.id) % every == 0]
            add_scores(session, rows)
            enqueue(session, rows)


def timed(call: Callable[[], Any], n: int) -> dict[str, float]:
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[max(0, int(n * 0.95) - 1)]}


def serve(db: Database, home: Path) -> tuple[uvicorn.Server, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(load_settings(cwd=home, environ={}), db=db, first_admin=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token})
    return client


def run(db: Database, home: Path, n: int) -> dict[str, Any]:
    add_user(db, operator_actor(users_exist=False), "lead", PASSWORD, "lead")
    with db.reader() as session:
        first = search_queue(session, QueueFilter(), limit=1).rows[0]
        deep = search_queue(session, QueueFilter(min_score=0.6, max_score=0.61), limit=1).rows[0]
    after = f"{deep.score!r}:{deep.id}"
    cases: dict[str, tuple[str, QueueFilter]] = {
        "queue": ("/queue", QueueFilter()),
        "queue_platform": ("/queue?platform=x", QueueFilter(platform="x")),
        "queue_region": (f"/queue?region={REGIONS[3]}", QueueFilter(region=REGIONS[3])),
        "queue_category": ("/queue?category=banner", QueueFilter(category="banner")),
        "queue_score": ("/queue?min_score=0.7&max_score=0.8",
                        QueueFilter(min_score=0.7, max_score=0.8)),
        "queue_search": ("/queue?q=baliho+korpri", QueueFilter(q="baliho korpri")),
        "queue_deep_page": (f"/queue?after={after}", QueueFilter(after=parse_after(after))),
    }
    server, base = serve(db, home)
    out: dict[str, Any] = {}
    try:
        client = login(base)
        for name, (url, filters) in cases.items():
            assert client.get(url).status_code == 200, url

            def bare(f: QueueFilter = filters) -> None:
                with db.reader() as session:
                    search_queue(session, f, limit=50)

            out[name] = {"http": timed(lambda u=url: client.get(u), n), "bare": timed(bare, n)}

        def detail_bare() -> None:
            with db.reader() as session:
                item_detail(session, first.id)

        out["detail"] = {"http": timed(lambda: client.get(f"/items/{first.id}"), n),
                         "bare": timed(detail_bare, n)}
        began = time.perf_counter()
        assert client.get("/dashboard").status_code == 200
        cold = (time.perf_counter() - began) * 1000

        def dashboard_bare() -> None:
            with db.reader() as session:
                dashboard_data(session, "Asia/Makassar")

        out["dashboard"] = {"http": timed(lambda: client.get("/dashboard"), n),
                            "http_uncached_first_ms": cold,
                            "bare": timed(dashboard_bare, max(3, n // 10))}
    finally:
        server.should_exit = True
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--flagged", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        if args.postgres:
            sys.path.insert(0, str(REPO / "bench"))
            from pg import postgres_database

            url, drop = postgres_database(args.postgres)
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        try:
            upgrade(db)
            began = time.perf_counter()
            fill(db, args.posts, args.flagged)
            fill_s = time.perf_counter() - began
            figures = run(db, Path(tmp), args.requests)
        finally:
            db.dispose()
            if drop:
                drop()
    backend = "postgresql" if args.postgres else "sqlite"
    print(f"web bench · {backend} · {args.posts} posts, {args.flagged} flagged "
          f"(filled in {fill_s:.0f} s) · {args.requests} requests each")
    print(f"{'page':<18} {'HTTP p50':>9} {'HTTP p95':>9} {'query p50':>10} {'query p95':>10}  ms")
    for name, fig in figures.items():
        print(f"{name:<18} {fig['http']['p50']:9.1f} {fig['http']['p95']:9.1f} "
              f"{fig['bare']['p50']:10.1f} {fig['bare']['p95']:10.1f}")
    print(f"dashboard, first (uncached) request: {figures['dashboard']['http_uncached_first_ms']:.0f} ms")
    print(json.dumps({"bench": "web", "backend": backend, "posts": args.posts,
                      "flagged": args.flagged, "figures": figures}))


if __name__ == "__main__":
    main()
