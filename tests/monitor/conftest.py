"""The command line speaks Indonesian by default; these tests read its English messages."""

import pytest


@pytest.fixture(autouse=True)
def english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_LANG", "en")
    monkeypatch.delenv("PANTAU_USER", raising=False)
