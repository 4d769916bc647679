"""`pantau run` under sustained load: RSS over time, and /metrics latency while batches are scored.

Starts a local HTTP server whose JSON Lines sources return P *fresh* posts on every request (new
ids each fetch, so every run parses, classifies, stores and queues a full batch), then runs the
real `pantau run` (scheduler + pipeline + web app) with S such sources on 1-second intervals for
T seconds, sampling the process's RSS every 2 s and timing GET /metrics every 0.1 s. The bare
baseline, in the same run and at the same time: the same `pantau run` with no sources (idle). Prints
the RSS timeline side by side, the RSS slope over the second half (MB/min; flat means ≈ 0), the
/metrics latency (p50/p95/max) under load and idle, posts stored, and one JSON line.

    python bench/soak_bench.py [--seconds 120] [--sources 4] [--posts 400]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classifier import ModelRegistry
from monitor.config import SourceSpec, load_settings
from monitor.sources import add_source
from storage.db import Database
from storage.migrate import upgrade

PANTAU = str(Path(sys.executable).with_name("pantau"))
TEXTS = ("Ayo coblos nomor 2, BERSINAR pasti menang! Salam dari ASN Dinas Pendidikan",
         "Kerja bakti RT {n} Minggu pagi, bawa cangkul dan sapu lidi.",
         "Harga cabai di pasar Kendari turun lagi minggu ini, kata pedagang.")


def fresh_posts(name: str, count: int, serial: itertools.count) -> bytes:  # type: ignore[type-arg]
    batch = next(serial)
    lines = []
    for i in range(count):
        lines.append(json.dumps({
            "platform": "facebook", "external_id": f"{name}-{batch}-{i}",
            "author": {"handle": f"user{i % 97}", "name": f"Warga {i % 97}",
                       "bio": "PNS Dinas Pendidikan" if i % 7 == 0 else "wiraswasta"},
            "text": TEXTS[i % 3].format(n=i) + f" #{batch}x{i}",
        }))
    return ("\n".join(lines) + "\n").encode()


def serve(posts: int) -> tuple[ThreadingHTTPServer, str]:
    serial = itertools.count()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = fresh_posts(self.path.strip("/").replace("/", "-"), posts, serial)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(home: Path, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
    env.update({"PANTAU_HOME": str(home), "PANTAU_DATABASE_URL": db_url,
                "PANTAU_LANG": "en",  # observe() waits for the English start-up line
                "PANTAU_ALLOW_PRIVATE_NETWORKS": "1", "PANTAU_SCHEDULER__MIN_INTERVAL": "1s",
                "PANTAU_SCRAPE__MIN_HOST_DELAY": "0", "PANTAU_SCRAPE__RESPECT_ROBOTS": "0",
                "PANTAU_SCRAPE__MAX_RETRIES": "0", "PANTAU_SCRAPE__CONTACT_URL": "https://example.test/c",
                "PANTAU_WEB__PORT": str(free_port())})
    return env


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def metrics_ms(port: int) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def observe(env: dict[str, str], cwd: Path, seconds: float) -> dict[str, Any]:
    """Run one `pantau run` for `seconds`: RSS samples (s, MB) and /metrics latencies (ms)."""
    log = Path(env["PANTAU_HOME"]) / "run.log"
    proc = subprocess.Popen([PANTAU, "run"], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=log.open("wb"), text=True)
    assert proc.stdout is not None
    while not (line := proc.stdout.readline()).startswith("Pantau is running"):
        if not line and proc.poll() is not None:
            raise SystemExit(f"pantau run exited early; its log:\n{log.read_text(errors='replace')[-3000:]}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    port, start = int(env["PANTAU_WEB__PORT"]), time.monotonic()
    rss: list[tuple[float, float]] = []
    latency: list[float] = []
    next_rss = start
    while (now := time.monotonic()) - start < seconds:
        if now >= next_rss:
            rss.append((now - start, rss_mb(proc.pid)))
            next_rss += 2.0
        latency.append(metrics_ms(port))
        time.sleep(0.1)
    stopping = time.monotonic()
    proc.terminate()
    try:
        code = proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
        print(f"pantau run did not stop within 30 s of SIGTERM; its log:\n"
              f"{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
    return {"rss": rss, "latency": latency, "stop_seconds": time.monotonic() - stopping,
            "exit_code": code}


def slope_mb_per_min(rss: list[tuple[float, float]]) -> float:
    half = [(t, m) for t, m in rss if t >= rss[-1][0] / 2]
    if len(half) < 2:
        return 0.0
    ts, ms = [t for t, _ in half], [m for _, m in half]
    mean_t, mean_m = statistics.fmean(ts), statistics.fmean(ms)
    cov = sum((t - mean_t) * (m - mean_m) for t, m in half)
    var = sum((t - mean_t) ** 2 for t in ts) or 1.0
    return cov / var * 60


def summary(sample: dict[str, Any]) -> dict[str, float]:
    lat = sorted(sample["latency"])
    return {"rss_start_mb": sample["rss"][0][1], "rss_end_mb": sample["rss"][-1][1],
            "rss_max_mb": max(m for _, m in sample["rss"]),
            "rss_slope_mb_per_min": slope_mb_per_min(sample["rss"]),
            "metrics_p50_ms": lat[len(lat) // 2], "metrics_p95_ms": lat[int(len(lat) * 0.95)],
            "metrics_max_ms": lat[-1], "metrics_requests": len(lat),
            "stop_seconds": sample["stop_seconds"], "exit_code": sample["exit_code"]}


def prepare(root: Path, name: str, models: Path, sources: list[str]) -> tuple[dict[str, str], str]:
    home = root / name
    (home / "models").parent.mkdir(parents=True, exist_ok=True)
    os.symlink(models, home / "models")
    db_url = f"sqlite:///{home / 'pantau.db'}"
    env = environment(home, db_url)
    db = Database(db_url)
    upgrade(db)
    settings = load_settings(environ=env, cwd=root)
    for i, url in enumerate(sources):
        add_source(db, SourceSpec(name=f"soak{i}", type="jsonl", url=url, interval=1.0), settings)
    db.dispose()
    return env, db_url


def posts_stored(db_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        count = int(conn.scalar(text("SELECT count(*) FROM posts")) or 0)
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--posts", type=int, default=400, help="fresh posts per fetch")
    args = parser.parse_args()
    httpd, base = serve(args.posts)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ModelRegistry(root / "models").ensure_default()
        idle_env, _ = prepare(root, "idle", root / "models", [])
        load_env, load_db = prepare(root, "load", root / "models",
                                    [f"{base}/src{i}" for i in range(args.sources)])
        results: dict[str, dict[str, Any]] = {}
        threads = [threading.Thread(target=lambda k=k, e=e: results.__setitem__(k, observe(e, root, args.seconds)))
                   for k, e in (("idle", idle_env), ("load", load_env))]
        for thread in threads:  # side by side: both see the same machine
            thread.start()
        for thread in threads:
            thread.join()
        idle, load = results["idle"], results["load"]
        stored = posts_stored(load_db)
        db_mb = Path(load_db.removeprefix("sqlite:///")).stat().st_size / 2**20
    httpd.shutdown()
    print(f"{'t (s)':>6} {'idle RSS MB':>12} {'load RSS MB':>12}")
    for (t, m_idle), (_t, m_load) in list(zip(idle["rss"], load["rss"], strict=False))[::5]:
        print(f"{t:>6.0f} {m_idle:>12.1f} {m_load:>12.1f}")
    s_idle, s_load = summary(idle), summary(load)
    for label, s in (("idle (bare baseline)", s_idle), ("under load", s_load)):
        print(f"{label:<21} RSS {s['rss_start_mb']:.1f}→{s['rss_end_mb']:.1f} MB "
              f"(max {s['rss_max_mb']:.1f}, 2nd-half slope {s['rss_slope_mb_per_min']:+.2f} MB/min); "
              f"/metrics p50 {s['metrics_p50_ms']:.1f} ms p95 {s['metrics_p95_ms']:.1f} ms "
              f"max {s['metrics_max_ms']:.1f} ms over {s['metrics_requests']} requests; "
              f"SIGTERM → exit {s['exit_code']} in {s['stop_seconds']:.1f} s")
    print(f"posts stored under load: {stored:,} in {args.seconds:.0f} s (database {db_mb:.0f} MB)")
    print(json.dumps({"bench": "soak", "seconds": args.seconds, "sources": args.sources,
                      "posts_per_fetch": args.posts, "posts_stored": stored, "database_mb": db_mb,
                      "idle": s_idle, "load": s_load}))


if __name__ == "__main__":
    main()
