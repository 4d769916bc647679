"""`pantau users set-password`: an administrator (or the local operator) replaces a forgotten
password; a monitor may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import pantau, prepared_home

from monitor.services.users import authenticate
from storage.db import Database


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    prepared_home(tmp_path, db_url, monkeypatch, users=[("siti", "monitor"), ("eko", "admin")])
    return db_url


def _can_log_in(db_url: str, name: str, password: str) -> bool:
    database = Database(db_url)
    try:
        return authenticate(database, name, password) is not None
    finally:
        database.dispose()


def test_set_password_replaces_the_password(env: str) -> None:
    code, _, err = pantau("users", "set-password", "siti", "--password-stdin",
                          input="sandi-baru-sekali-1\n")
    assert code == 0 and "siti" in err
    assert _can_log_in(env, "siti", "sandi-baru-sekali-1")
    assert not _can_log_in(env, "siti", "rahasia-panjang-1")


def test_set_password_is_refused_to_a_monitor_and_for_a_short_password(env: str) -> None:
    code, _, err = pantau("--as", "siti", "users", "set-password", "eko", "--password-stdin",
                          input="sandi-baru-sekali-1\n")
    assert code == 3, err
    code, _, err = pantau("users", "set-password", "siti", "--password-stdin", input="pendek\n")
    assert code == 2 and "10" in err
    code, _, err = pantau("users", "set-password", "nobody", "--password-stdin",
                          input="sandi-baru-sekali-1\n")
    assert code == 1
    assert _can_log_in(env, "siti", "rahasia-panjang-1")
