"""The web app factory (/healthz, /metrics) in process, and `pantau serve` as a real process."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from monitor_harness import PANTAU, environment, free_port

from monitor.config import load_settings
from monitor.metrics import Metrics
from monitor.web.app import PROMETHEUS_CONTENT_TYPE, create_app
from storage.db import Database


def test_healthz_and_metrics(db: Database, tmp_path: Path) -> None:
    metrics = Metrics()
    metrics.record_run('odd "name"', ok=True, errors=0, new=3, flagged=1)
    metrics.record_run("down", ok=False, errors=0, new=0, flagged=0)
    app = create_app(load_settings(cwd=tmp_path, environ={}), db=db, metrics=metrics)
    with TestClient(app, client=("127.0.0.1", 50000)) as client:  # /metrics: loopback or token
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == PROMETHEUS_CONTENT_TYPE
    body = response.text
    assert 'pantau_fetches_total{source="odd \\"name\\""} 1' in body
    assert 'pantau_errors_total{source="down"} 1' in body
    assert 'pantau_posts_total{source="odd \\"name\\""} 3' in body
    assert "# TYPE pantau_review_queue_size gauge" in body and "pantau_review_queue_size 0" in body


def test_healthz_reports_a_dead_database(tmp_path: Path) -> None:
    app = create_app(load_settings(cwd=tmp_path, environ={}),
                     db=Database("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 503


def test_pantau_serve_runs_and_stops_on_sigterm(db_url: str, db: Database, tmp_path: Path) -> None:
    port = free_port()
    env = environment(tmp_path / "home", db_url)
    proc = subprocess.Popen([PANTAU, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90  # start-up takes 20-40 s on a loaded 2-core machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
                    assert b"pantau_posts_stored 0" in resp.read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()  # then read its stderr: reading a live process's pipe would block
                    pytest.fail(f"pantau serve did not answer: {proc.communicate(timeout=10)[1]!r}")
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
