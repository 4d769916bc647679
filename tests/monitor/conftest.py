"""The command line speaks Indonesian by default; these tests read its English messages.

`home` is a fresh, un-initialised Pantau home on SQLite (a test file may define its own)."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_LANG", "en")
    monkeypatch.delenv("PANTAU_USER", raising=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, un-initialised Pantau home on SQLite; returns its database URL."""
    url = f"sqlite:///{tmp_path / 'home' / 'pantau.db'}"
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PANTAU_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return url
