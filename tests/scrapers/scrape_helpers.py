"""Helpers of the scraper tests (a unique module name: the test tree has no packages)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from scrapers import ClientSettings, PoliteClient

T = TypeVar("T")

# the repo's sibling ../shared (tests/scrapers/conftest.py → parents[2] is the repo root)
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FIXTURES = SHARED / "fixtures"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def expected(platform: str) -> dict[str, Any]:
    files: dict[str, Any] = json.loads((FIXTURES / platform / "expected.json").read_text())["files"]
    return files


def expected_cases(platform: str) -> list[tuple[str, dict[str, Any]]]:
    """(file name, expectations) pairs of a platform's expected.json; none when ../shared is absent
    (the `fixtures_dir` fixture then skips with the reason)."""
    try:
        return sorted(expected(platform).items())
    except FileNotFoundError:
        return []


def fast_settings(**overrides: Any) -> ClientSettings:
    """Test settings: loopback allowed, no host delay, short timeouts and backoff."""
    values: dict[str, Any] = dict(
        user_agent="Pantau-test/0 (+https://example.invalid/contact)",
        min_host_delay=0.0,
        timeout=2.0,
        max_retries=2,
        backoff_base=0.01,
        backoff_cap=0.05,
        allow_private_networks=True,
        retry_after_cap=5.0,
    )
    values.update(overrides)
    return ClientSettings(**values)


async def with_client(settings: ClientSettings, work: Any) -> Any:
    async with PoliteClient(settings) as client:
        return await work(client)
