"""Scraper test fixtures: the shared real captures and a local replay server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrape_helpers import FIXTURES
from scrape_server import FixtureServer


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {FIXTURES} (../shared is absent)")
    return FIXTURES


@pytest.fixture(scope="session")
def _server_instance() -> Iterator[FixtureServer]:
    server = FixtureServer(FIXTURES if FIXTURES.is_dir() else None).start()
    yield server
    server.stop()


@pytest.fixture
def server(_server_instance: FixtureServer) -> Iterator[FixtureServer]:
    _server_instance.reset()
    yield _server_instance
    _server_instance.reset()
