"""Shared fixtures: real databases (SQLite file and PostgreSQL), the shared data folder.

PostgreSQL tests run when PANTAU_TEST_POSTGRES_URL names a server; with
PANTAU_REQUIRE_POSTGRES=1 (CI) a missing server is a failure, elsewhere a visible skip.
Each PostgreSQL test gets its own freshly created database, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_URL = os.environ.get("PANTAU_TEST_POSTGRES_URL", "")
REQUIRE_PG = os.environ.get("PANTAU_REQUIRE_POSTGRES") == "1"


def shared_path(*parts: str) -> Path:
    """A file in ../shared; the test is skipped (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared not beside the repository)")
    return path


def _postgres_admin() -> str:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("PANTAU_REQUIRE_POSTGRES=1 but PANTAU_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests need PANTAU_TEST_POSTGRES_URL (CI sets it)")
    return PG_URL


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin_url = _postgres_admin()
    name = f"pantau_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server down
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pantau.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    database = Database(db_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def chromium_required() -> None:
    """Skip without the system Chromium, unless PANTAU_REQUIRE_BROWSER=1 (CI) makes it a failure."""
    from monitor.evidence.browser import BrowserUnavailable, chromium_path

    try:
        chromium_path()
    except BrowserUnavailable as exc:
        if os.environ.get("PANTAU_REQUIRE_BROWSER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
