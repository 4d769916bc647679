"""Writers that don't collide: real `pantau import` processes racing on one database.

20 importers with overlapping ids store every post exactly once, with no deadlock or "database
is locked" escaping; two importers editing the same posts both keep their edits as versions; a
killed import leaves its start on record. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import AuditEntry, Post, PostVersion, SourceRun

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

WRITERS, PER_WRITER, POOL = 20, 5000, 30_000


def write_posts(path: Path, ids: range | list[int], version: str = "asli") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in ids:
            handle.write(json.dumps({
                "platform": "facebook", "external_id": f"p{i % POOL}",
                "author": {"handle": f"warga{i % 997}", "name": f"Warga {i % 997}"},
                "text": f"Postingan {i % POOL} ({version}) ayo ke TPS", "region": "Kota Kendari",
            }) + "\n")
    return path


def start_import(db_url: str, path: Path, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PANTAU_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", db_url, "import", str(path), "--no-classify",
         "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen[str]], timeout: float = 800) -> list[dict[str, int]]:
    summaries = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err[-2000:]
        assert "Traceback" not in err and "database is locked" not in err.lower().replace(
            "another writer holds the database lock", ""), err[-2000:]
        summaries.append(json.loads(out))
    return summaries


def count(db: Database, model: type) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_twenty_overlapping_importers_store_every_post_once(db: Database, db_url: str, tmp_path: Path) -> None:
    files = [write_posts(tmp_path / f"w{n}.jsonl", range(n * POOL // WRITERS, n * POOL // WRITERS + PER_WRITER))
             for n in range(WRITERS)]
    started = time.monotonic()
    summaries = finish([start_import(db_url, f, tmp_path / "home") for f in files])
    elapsed = time.monotonic() - started
    assert all(s["fetched"] == PER_WRITER and s["rejected"] == 0 for s in summaries)
    assert all(s["fetched"] == s["new"] + s["updated"] + s["unchanged"] + s["duplicates"]
               + s["rejected"] for s in summaries)
    assert sum(s["new"] for s in summaries) == POOL and sum(s["updated"] for s in summaries) == 0
    with db.reader() as session:
        ids = list(session.scalars(select(Post.external_id)))
        finished = session.scalar(select(func.count()).where(AuditEntry.action == "import.finish"))
    assert len(ids) == len(set(ids)) == POOL and set(ids) == {f"p{i}" for i in range(POOL)}
    assert finished == WRITERS
    print(f"\n{WRITERS} writers x {PER_WRITER} posts ({db.dialect}): {len(ids)} posts stored once "
          f"in {elapsed:.1f} s")


def test_two_importers_editing_the_same_posts_keep_every_edit(db: Database, db_url: str, tmp_path: Path) -> None:
    ids = range(3000)
    first = finish([start_import(db_url, write_posts(tmp_path / "base.jsonl", ids), tmp_path / "h")])
    assert first[0]["new"] == 3000
    edits = [write_posts(tmp_path / f"{v}.jsonl", ids, version=v) for v in ("edit-a", "edit-b")]
    summaries = finish([start_import(db_url, f, tmp_path / "h") for f in edits])
    assert [s["updated"] for s in summaries] == [3000, 3000]
    with db.reader() as session:
        versions = session.scalar(select(func.count()).select_from(Post).where(Post.version == 3))
        kept = session.execute(select(PostVersion.text)).scalars().all()
        current = session.execute(select(Post.text)).scalars().all()
    assert versions == 3000 and len(kept) == 6000
    for post in ("Postingan 7 ", "Postingan 2999 "):
        texts = sorted(t for t in [*kept, *current] if t.startswith(post))
        assert [t.split("(")[1].split(")")[0] for t in texts] == ["asli", "edit-a", "edit-b"]


def test_a_killed_import_leaves_its_start_on_record(db: Database, db_url: str, tmp_path: Path) -> None:
    path = write_posts(tmp_path / "big.jsonl", range(60_000))
    process = start_import(db_url, path, tmp_path / "h")
    deadline = time.monotonic() + 120
    while count(db, Post) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    stored = count(db, Post)
    assert 0 < stored < 60_000, "the import was not killed midway"
    with db.reader() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        [run] = session.scalars(select(SourceRun)).all()
    assert actions == ["import.start"] and run.status == "running" and run.finished_at is None
    summary = finish([start_import(db_url, path, tmp_path / "h")])[0]
    assert summary["new"] + summary["unchanged"] == 60_000 and count(db, Post) == 30_000
