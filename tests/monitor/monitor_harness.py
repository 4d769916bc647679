"""Test harness for `pantau run`: a counting local HTTP server, real processes, a shared model.

Leases keep their production defaults (scheduler.lease_ttl 1 min, heartbeat 15 s), so a test of
recovery after `kill -9` measures what an operator would see.

The server serves RSS feeds (`/feed/<name>`), JSON Lines files (`/jsonl/<name>`) and a failing
endpoint (`/fail/<name>`, HTTP 500 forever) and records the time of every request per path.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from monitor.config import SourceSpec, load_settings
from monitor.sources import add_source
from storage.db import Database

REPO = Path(__file__).resolve().parents[2]
PANTAU = str(Path(sys.executable).with_name("pantau"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss(name: str, items: int) -> bytes:
    entries = "".join(
        f"<item><title>{name} {i}</title><link>http://feeds.test/{name}/{i}</link>"
        f"<guid>{name}-{i}</guid><pubDate>Mon, 21 Oct 2024 08:0{i % 10}:00 +0700</pubDate>"
        f"<description>Kabar {name} nomor {i}: harga cabai turun di pasar.</description></item>"
        for i in range(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{name}'
            f"</title><link>http://feeds.test/</link>{entries}</channel></rss>").encode()


def jsonl(name: str, count: int) -> bytes:
    lines = []
    for i in range(count):
        campaign = i % 7 == 0
        lines.append(json.dumps({
            "platform": "facebook", "external_id": f"{name}-{i}",
            "author": {"handle": f"user{i}", "name": f"Warga {i}",
                       "bio": "PNS Dinas Pendidikan Kab. Sukamaju" if campaign else "wiraswasta"},
            "text": (f"Ayo coblos nomor 2, BERSINAR pasti menang! #{i}" if campaign
                     else f"Kerja bakti RT {i % 40} Minggu pagi, bawa cangkul. #{i}"),
        }))
    return ("\n".join(lines) + "\n").encode()


class CountingServer:
    """A local server that counts requests per path (robots.txt is 404 and not counted)."""

    def __init__(self, bodies: dict[str, tuple[int, bytes, str]] | None = None) -> None:
        self.bodies: dict[str, tuple[int, bytes, str]] = dict(bodies or {})
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path != "/robots.txt":
                    with outer.lock:
                        outer.hits[path].append(time.monotonic())
                status, body, kind = outer.bodies.get(path, (404, b"not found", "text/plain"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def feed(self, name: str, items: int = 5) -> str:
        self.bodies[f"/feed/{name}"] = (200, rss(name, items), "application/rss+xml")
        return f"{self.base}/feed/{name}"

    def jsonl(self, name: str, count: int) -> str:
        self.bodies[f"/jsonl/{name}"] = (200, jsonl(name, count), "application/x-ndjson")
        return f"{self.base}/jsonl/{name}"

    def failing(self, name: str) -> str:
        self.bodies[f"/fail/{name}"] = (500, b"internal error", "text/plain")
        return f"{self.base}/fail/{name}"

    def times(self, url: str) -> list[float]:
        with self.lock:
            return list(self.hits[url.removeprefix(self.base)])

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def environment(home: Path, db_url: str, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
    env.update({
        "PANTAU_HOME": str(home), "PANTAU_DATABASE_URL": db_url,
        "PANTAU_ALLOW_PRIVATE_NETWORKS": "1", "PANTAU_SCHEDULER__MIN_INTERVAL": "1s",
        "PANTAU_SCRAPE__MIN_HOST_DELAY": "0", "PANTAU_SCRAPE__RESPECT_ROBOTS": "0",
        "PANTAU_SCRAPE__MAX_RETRIES": "0", "PANTAU_SCRAPE__CONTACT_URL": "https://example.test/c",
        "PANTAU_WEB__PORT": str(free_port()), "PANTAU_LANG": "en",  # the harness reads English
    })
    env.update(overrides)
    return env


def install_model(trained_home: Path, home: Path) -> None:
    """Copy the once-trained default model so each test does not train its own."""
    shutil.copytree(trained_home / "models", home / "models", dirs_exist_ok=True)


def add_sources(env: dict[str, str], cwd: Path, specs: list[SourceSpec]) -> None:
    settings = load_settings(environ=env, cwd=cwd)
    db = Database(settings.database_url)
    try:
        for spec in specs:
            add_source(db, spec, settings)
    finally:
        db.dispose()


class Node:
    """One `pantau run` process; `ready()` waits for its start-up line on stdout."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.log = cwd / f"node-{time.monotonic_ns()}.log"
        self.proc = subprocess.Popen(
            [PANTAU, "run", *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
            stderr=self.log.open("wb"), text=True)
        self.port = int(env["PANTAU_WEB__PORT"])

    def ready(self, timeout: float = 60.0) -> float:
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"pantau run exited early:\n{self.stderr()}")
            if line.startswith("Pantau is running"):
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return time.monotonic()
        raise AssertionError(f"pantau run not ready in {timeout}s:\n{self.stderr()}")

    def terminate(self, timeout: float = 10.0) -> tuple[int, float]:
        """SIGTERM; (exit status, seconds it took)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - start

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop_quietly(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


_TRAINED: list[Path] = []


def trained_home(tmp_root: Path) -> Path:
    """A PANTAU_HOME holding the default model, trained once per test process."""
    if not _TRAINED:
        from classifier import ModelRegistry

        home = tmp_root / "trained-home"
        ModelRegistry(home / "models").ensure_default()
        _TRAINED.append(home)
    return _TRAINED[0]


def prepared(tmp_path: Path, tmp_root: Path, db_url: str, **overrides: str) -> dict[str, str]:
    """Environment for a test node: its own home with the shared model, schema at head."""
    from storage.migrate import upgrade

    home = tmp_path / "home"
    install_model(trained_home(tmp_root), home)
    db = Database(db_url)
    try:
        upgrade(db)
    finally:
        db.dispose()
    return environment(home, db_url, **overrides)
