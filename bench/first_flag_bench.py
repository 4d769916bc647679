"""From `make run` to the first flagged post (issue 14), beside a bare baseline in the same run.

Usage: python bench/first_flag_bench.py [--runs 3]

Each run starts what `make run` starts once the environment is built — `pantau init && pantau
run` with the repository's pantau.toml (the three offline demo sources in monitor/demo/) — on a
fresh home and SQLite database, and polls the database (read-only, every 20 ms) until the review
queue holds its first item. It prints when init finished, when `pantau run` said it was running,
and when the first flagged post was queued, in seconds from the start. The bare baseline, in the
same run: a fresh interpreter that loads the shipped model and scores the demo JSONL posts once
(what flagging them costs with nothing else around it). Prints a table and one JSON line.
Target: first flagged post < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PANTAU = Path(sys.executable).with_name("pantau")
TIMEOUT = 300.0

BARE = """
import json
from pathlib import Path
from classifier.registry import load_artifact
from classifier.shipped import SHIPPED_DIR, shipped_metadata
from storage.records import record_from_dict
meta = shipped_metadata()
model = load_artifact(SHIPPED_DIR / f"{meta['version']}.skops", meta["artifact_sha256"])
lines = Path(%r).read_text(encoding="utf-8").splitlines()
records = [record_from_dict(json.loads(line)) for line in lines if line.strip()]
print(sum(p.flagged for p in model.predict(records)))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def queued(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.5) as conn:
            return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    except sqlite3.Error:  # no schema yet, or a writer holds the lock: ask again
        return 0


def one_run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
        env.update({"PANTAU_HOME": str(home), "PANTAU_LANG": "en",
                    "PANTAU_WEB__PORT": str(free_port())})
        db_path = home / "pantau.db"
        marks: dict[str, float] = {}
        start = time.perf_counter()
        proc = subprocess.Popen(
            ["sh", "-c", f'"{PANTAU}" init >&2 && echo INIT-DONE && exec "{PANTAU}" run'],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None

        def read_marks() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("INIT-DONE"):
                    marks["init_s"] = time.perf_counter() - start
                elif line.startswith("Pantau is running"):
                    marks["running_s"] = time.perf_counter() - start

        threading.Thread(target=read_marks, daemon=True).start()
        try:
            while time.perf_counter() - start < TIMEOUT:
                if queued(db_path):
                    marks["first_flag_s"] = time.perf_counter() - start
                    break
                if proc.poll() is not None:
                    raise SystemExit(f"pantau exited early with {proc.returncode}")
                time.sleep(0.02)
            else:
                raise SystemExit(f"no flagged post within {TIMEOUT:.0f} s")
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return {k: round(v, 2) for k, v in marks.items()}


def bare_ms() -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BARE % str(REPO / "monitor/demo/laporan-warga.jsonl")],
                          cwd=REPO, capture_output=True, text=True, check=True, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    assert int(done.stdout.strip()) > 0, "the bare baseline flagged nothing"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    runs, bares = [], []
    for _ in range(args.runs):
        runs.append(one_run())
        bares.append(bare_ms())
        print(f"  init {runs[-1].get('init_s', float('nan')):.2f} s, running "
              f"{runs[-1].get('running_s', float('nan')):.2f} s, first flag "
              f"{runs[-1]['first_flag_s']:.2f} s; bare load+score {bares[-1]:.2f} s")
    figures = {key: round(statistics.median(r[key] for r in runs if key in r), 2)
               for key in ("init_s", "running_s", "first_flag_s")}
    figures["bare_s"] = round(statistics.median(bares), 2)
    end = os.getloadavg()
    print(f"median of {args.runs}: init done {figures['init_s']} s, `pantau run` up "
          f"{figures['running_s']} s, first flagged post {figures['first_flag_s']} s "
          f"(target < 10 s); bare interpreter + shipped model + one scoring {figures['bare_s']} s "
          f"({figures['first_flag_s'] / figures['bare_s']:.1f}×); load at end {end[0]:.1f}")
    print(json.dumps({"bench": "first_flag", "runs": args.runs, "load_1m_start": round(load[0], 1),
                      "load_1m_end": round(end[0], 1), **figures}))


if __name__ == "__main__":
    main()
