"""`pantau run` writes a signed audit anchor at start and at every interval, outside the database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from monitor.config import load_settings
from monitor.jobs.processes import _anchor_periodically
from storage.audit import append_audit
from storage.db import Database


def _settings(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings(cwd=tmp_path, environ={"PANTAU_HOME": str(tmp_path / "home"), **env})


async def _run_once(settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    task = asyncio.create_task(_anchor_periodically(settings, db, stop))
    for _ in range(200):  # the first anchor is written at once; wait for it, then stop
        await asyncio.sleep(0.05)
        if list((settings.home / "anchors").glob("*")):
            break
    stop.set()
    await asyncio.wait_for(task, timeout=10)


def test_an_anchor_of_the_current_chain_head_is_written_at_start(tmp_path: Path, db: Database) -> None:
    with db.session() as session:
        entry = append_audit(session, actor="local", action="init", entity="database")
    settings = _settings(tmp_path)
    asyncio.run(_run_once(settings, db))
    written = list((settings.home / "anchors").glob("*"))
    assert len(written) == 1
    document = json.loads(written[0].read_text(encoding="utf-8"))
    assert entry.hash in json.dumps(document)


def test_no_anchor_when_the_interval_is_zero(tmp_path: Path, db: Database) -> None:
    settings = _settings(tmp_path, PANTAU_EVIDENCE__ANCHOR_INTERVAL="0")
    asyncio.run(asyncio.wait_for(_anchor_periodically(settings, db, asyncio.Event()), timeout=5))
    assert not (settings.home / "anchors").exists()
