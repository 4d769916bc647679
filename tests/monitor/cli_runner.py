"""Run `pantau …` in-process (click's CliRunner) the way the tests need it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage.db import Database
from storage.migrate import upgrade


def pantau(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr); a crash (not a SystemExit) is re-raised with its traceback."""
    result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def prepared_home(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, *,
                  posts: Iterable[dict[str, Any]] = (),
                  users: Iterable[tuple[str, str]] = ()) -> Path:
    """A Pantau home in tmp_path on a migrated database (the working directory too), with
    `posts` imported through `pantau import` and `users` added through `pantau users add`."""
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    database = Database(db_url)
    upgrade(database)
    database.dispose()
    lines = "".join(json.dumps(p) + "\n" for p in posts)
    if lines:
        source = tmp_path / "posts.jsonl"
        source.write_text(lines, encoding="utf-8")
        assert pantau("import", str(source))[0] == 0
    for name, role in users:
        code, _, err = pantau("users", "add", name, "--role", role, "--password-stdin",
                              input="rahasia-panjang-1\n")
        assert code == 0, err
    return tmp_path
