"""Builders for the web tests: an app on a real database, users, flagged posts, logins."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from monitor.config import load_settings
from monitor.policy import operator_actor
from monitor.services.users import add_user
from monitor.web.app import create_app
from storage.db import Database
from storage.models import Blob, PostSnapshot, SnapshotRow
from storage.posts import store_posts
from storage.records import record_from_dict
from storage.reviews import ScoreRow, add_scores, enqueue

PASSWORD = "rahasia-panjang-1"
ROLES = ("monitor", "lead", "data", "admin")


def make_app(db: Database, tmp_path: Path, environ: dict[str, str] | None = None,
             **env: str) -> FastAPI:
    """The app on `db`; `env` sets web.* settings, `environ` any other PANTAU_* variables."""
    environ = {**(environ or {}), **{f"PANTAU_WEB__{k.upper()}": v for k, v in env.items()}}
    return create_app(load_settings(cwd=tmp_path, environ=environ), db=db, first_admin=False,
                      warm=False)


def make_users(db: Database, names: Sequence[tuple[str, str]]) -> None:
    operator = operator_actor(users_exist=True)
    for name, role in names:
        add_user(db, operator, name, PASSWORD, role)


ALL_STAFF = {**{r: r for r in ROLES}, "monitor2": "monitor", "lead2": "lead"}


def staff(db: Database, *names: str) -> None:
    """Users named after their role (monitor, lead, data, admin, monitor2, lead2); all of them
    unless names are given (each argon2 hash costs a moment, so tests make only what they use)."""
    make_users(db, [(n, ALL_STAFF[n]) for n in (names or ALL_STAFF)])


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return client


def csrf_of(client: TestClient, path: str = "/queue") -> str:
    return csrf_from(client.get(path).text)


def post(i: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "platform": "facebook", "external_id": f"fb{i}",
        "text": f"Sbg PNS sy ajak coblos nomor {i} ya #Pilkada",
        "author": {"handle": f"asn{i}", "name": f"Budi {i}", "bio": "PNS Dinas Pendidikan"},
        "posted_at": "2024-11-20T01:00:00Z", "region": "Kota Kendari",
        "url": f"https://facebook.example/p/{i}"}
    base.update(fields)
    return base


def seed(db: Database, posts: Sequence[dict[str, Any]], *, scores: Sequence[float] | None = None,
         category: str = "social_media_campaign", terms: Sequence[str] = ("coblos",),
         source_id: int | None = None) -> list[int]:
    """Store posts (interchange dicts), score them all flagged, queue them; returns post ids."""
    records = [record_from_dict(p) for p in posts]
    with db.session() as session:
        stored = store_posts(session, records, source_id=source_id)
        rows = [ScoreRow(s.id, s.version, "m-test", (scores[i] if scores else 0.9 - i / 1000),
                         0.5, True, category, [[t, 0.3] for t in terms])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    return [s.id for s in stored]


def add_snapshot(db: Database, post_id: int, body: bytes, content_type: str = "text/html") -> int:
    sha = hashlib.sha256(body).hexdigest()
    with db.session() as session:
        if session.get(Blob, sha) is None:
            session.add(Blob(sha256=sha, size=len(body), body=body))
        snap = SnapshotRow(url="https://facebook.example/raw", status=200,
                        headers={"Content-Type": content_type}, sha256=sha,
                        fetched_at=datetime.now(UTC) - timedelta(minutes=5))
        session.add(snap)
        session.flush()
        session.add(PostSnapshot(post_id=post_id, snapshot_id=snap.id, post_version=1))
        return snap.id


def review_ids(db: Database) -> list[int]:
    """All review item ids in queue order."""
    from storage.queue_search import QueueFilter, search_queue

    with db.reader() as session:
        return [r.id for r in search_queue(session, QueueFilter(status=None), limit=1000).rows]
