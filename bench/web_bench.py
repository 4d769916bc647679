"""Web app latency at scale (issue 10): queue, detail and dashboard pages over real HTTP,
beside the bare SQL of the same pages, in the same run.

Usage: nice python bench/web_bench.py [--posts 1000000] [--flagged 200000] [--requests 40]
                                      [--postgres ADMIN_URL] [--data DIR]

The data set (bench/web_data.py: posts, one score each, queue items over every status, 200
sources, 40 regions) is built once and reused by later runs (SQLite file under --data, or a
PostgreSQL database named after its size). The app runs under uvicorn in its own process; an
httpx client logged in as a lead times each page: the queue with no filter, each filter
(status, platform, source, region, category, score range, date range), a full-text search and a
deep keyset page; item detail pages (a different item each request); the dashboard. The bare
figure of a page is every SELECT the page sent (recorded once by running the same app in this
process) replayed through the DB-API: the database's own time for that page, without HTTP,
Python or templates. Also shown: statements per page and how many of them were writes. Prints
median and p95 in ms and one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import httpx  # noqa: E402
from sqlalchemy import event  # noqa: E402
from web_data import CATEGORIES, REGIONS, SOURCES, open_dataset  # noqa: E402

from storage.db import Database  # noqa: E402

PASSWORD = "bench-password-1"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _app(url: str, home: Path, db: Database | None = None) -> Any:
    from monitor.config import load_settings
    from monitor.web.app import create_app

    return create_app(load_settings(cwd=home, environ={}), db=db or Database(url),
                      first_admin=False)


def serve_main(url: str, port: int, home: Path) -> None:
    """The app in this process under uvicorn (what the bench starts as its server)."""
    import uvicorn

    uvicorn.run(_app(url, home), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(url: str, home: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", url, "--port", str(port),
                             "--home", str(home)], cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            if proc.poll() is not None:
                raise RuntimeError("the app did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def login(client: Any) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/login", data={"username": "lead", "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code in (200, 303), answer.status_code


def ensure_lead(db: Database) -> None:
    from monitor.policy import operator_actor
    from monitor.services.users import add_user
    from storage.users import find_user

    with db.reader() as session:
        if find_user(session, "lead") is not None:
            return
    add_user(db, operator_actor(users_exist=False), "lead", PASSWORD, "lead")


def timed(call: Callable[[int], Any], n: int) -> dict[str, float]:
    call(-1)  # warm
    samples = []
    for i in range(n):
        began = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"p50": round(statistics.median(samples), 2),
            "p95": round(samples[min(n - 1, int(n * 0.95))], 2)}


def record(db: Database, app_client: Any, url: str) -> list[tuple[str, Any]]:
    """The statements one in-process request of this page sends."""
    sent: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        sent.append((statement, None if executemany else parameters))

    engines = {id(e): e for e in (db.engine, db._read_engine)}.values()  # noqa: SLF001
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        assert app_client.get(url).status_code == 200, url
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)
    return sent


def _is_read(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("SELECT", "WITH"))


def replay(db: Database, statements: list[tuple[str, Any]]) -> Callable[[int], Any]:
    reads = [(s, p) for s, p in statements if _is_read(s) and p is not None]
    raw = db.engine.raw_connection()
    driver: Any = raw.driver_connection

    def run(_i: int) -> None:
        cur = driver.cursor()
        for statement, parameters in reads:
            cur.execute(statement, parameters)
            cur.fetchall()
        driver.commit()
    return run


def cases(db: Database) -> dict[str, str]:
    week_end = datetime.now(UTC).date() - timedelta(days=20)
    week = {"since": (week_end - timedelta(days=6)).isoformat(), "until": week_end.isoformat()}
    return {
        "queue": "/queue",
        "queue_status_confirmed": "/queue?status=confirmed",
        "queue_status_all": "/queue?status=all",
        "queue_platform": "/queue?platform=tiktok",
        "queue_source": "/queue?" + urlencode({"source": SOURCES[17]}),
        "queue_region": "/queue?" + urlencode({"region": REGIONS[3]}),
        "queue_category": f"/queue?category={CATEGORIES[3]}",
        "queue_score": "/queue?min_score=0.7&max_score=0.75",
        "queue_date": "/queue?" + urlencode(week),
        "queue_region_source_week": "/queue?" + urlencode(
            {"region": REGIONS[17], "source": SOURCES[17], **week}),
        "queue_search": "/queue?q=baliho+korpri",
        "queue_search_rare": "/queue?q=%2312345",
    }


def item_ids(db: Database, count: int) -> list[int]:
    from storage.queue_search import QueueFilter, search_queue

    ids: list[int] = []
    after = None
    with db.reader() as session:
        while len(ids) < count * 7:
            page = search_queue(session, QueueFilter(status=None, after=after), limit=50)
            ids += [r.id for r in page.rows]
            if page.next_after is None:
                break
            after = tuple(float(x) if i == 0 else int(x)
                          for i, x in enumerate(page.next_after.split(":")))  # type: ignore[assignment]
    return ids[::7][:count] or ids[:count]


def deep_after(db: Database) -> str:
    from storage.queue_search import QueueFilter, search_queue

    with db.reader() as session:
        row = search_queue(session, QueueFilter(min_score=0.6, max_score=0.61), limit=1).rows[0]
    return f"{row.score!r}:{row.id}"


def measure(db: Database, url: str, home: Path, n: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    ensure_lead(db)
    pages = cases(db)
    pages["queue_deep_page"] = "/queue?" + urlencode({"after": deep_after(db)})
    items = item_ids(db, n + 2)
    out: dict[str, Any] = {}
    with TestClient(_app(url, home, db), base_url="http://127.0.0.1") as local:
        login(local)
        recorded = {name: record(db, local, page) for name, page in pages.items()}
        recorded["detail"] = record(db, local, f"/items/{items[0]}")
        recorded["dashboard"] = record(db, local, "/dashboard")
    with server(url, home) as base, httpx.Client(base_url=base, timeout=120) as client:
        login(client)
        for name, page in pages.items():
            began = time.perf_counter()
            assert client.get(page).status_code == 200, page
            out[name] = {"first_ms": round((time.perf_counter() - began) * 1000, 1),
                         "http": timed(lambda _i, p=page: client.get(p), n)}
        out["detail"] = {"http": timed(lambda i: client.get(f"/items/{items[i + 1]}"), n)}
        began = time.perf_counter()
        assert client.get("/dashboard").status_code == 200
        out["dashboard"] = {"first_ms": round((time.perf_counter() - began) * 1000, 1),
                            "http": timed(lambda _i: client.get("/dashboard"), n)}
    for name, statements in recorded.items():
        sent = [s for s, _p in statements if s.strip().upper() != "BEGIN"]
        writes = sum(1 for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                        "DELETE")))
        out[name].update({"bare": timed(replay(db, statements), n), "statements": len(sent),
                          "writes": writes})
    return out


def report(backend: str, args: argparse.Namespace, built_s: float,
           figures: dict[str, Any]) -> None:
    load = os.getloadavg()
    print(f"\nweb bench · {backend} · {args.posts} posts, {args.flagged} flagged · "
          f"{f'built in {built_s:.0f} s' if built_s else 'data reused'} · {args.requests} "
          f"requests each · load {load[0]:.1f}")
    print(f"{'page':<26}{'HTTP p50':>9}{'HTTP p95':>9}{'first':>8}{'SQL p50':>9}{'SQL p95':>9}"
          f"{'stmts':>7}{'writes':>7}  ms")
    for name, f in figures.items():
        print(f"{name:<26}{f['http']['p50']:9.1f}{f['http']['p95']:9.1f}"
              f"{f.get('first_ms', 0):8.0f}{f['bare']['p50']:9.1f}{f['bare']['p95']:9.1f}"
              f"{f['statements']:7d}{f['writes']:7d}")
    print(json.dumps({"bench": "web", "backend": backend, "posts": args.posts,
                      "flagged": args.flagged, "requests": args.requests,
                      "built_s": round(built_s, 1), "load_1m": round(load[0], 1),
                      "figures": figures}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--flagged", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--postgres", default="", help=f"admin URL, e.g. {PG_DEFAULT}")
    parser.add_argument("--data", type=Path, default=None, help="folder of the SQLite data set")
    parser.add_argument("--serve", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_main(args.serve, args.port, args.home)
        return
    db, url, built_s = open_dataset(args.posts, args.flagged, postgres=args.postgres,
                                    folder=args.data)
    home = Path(os.environ.get("TMPDIR", "/tmp")) / f"pantau-web-bench-{os.getpid()}"
    home.mkdir(exist_ok=True)
    try:
        figures = measure(db, url, home, args.requests)
    finally:
        db.dispose()
    report("postgresql" if args.postgres else "sqlite", args, built_s, figures)


if __name__ == "__main__":
    main()
