"""Model, file and disk problems reach the user as one line and an exit status, never a traceback
(run as the real console script, in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

POST = '{"platform": "x", "external_id": "1", "text": "Ayo coblos nomor 2 besok!"}\n'


def _pantau(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_LANG": "en"}
    env.pop("PANTAU_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("home")
    assert _pantau(path, "init").returncode == 0
    (path / "in.jsonl").write_text(POST, encoding="utf-8")
    return path


def _says_one_line(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and words in done.stderr


def test_a_corrupt_active_model_pointer(home: Path) -> None:
    pointer = home / "models" / "active.json"
    kept = pointer.read_bytes()
    pointer.write_text("{bad", encoding="utf-8")
    try:
        done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "out.jsonl")
        _says_one_line(done, "active.json: unreadable or corrupt")
    finally:
        pointer.write_bytes(kept)


def test_a_truncated_model_file(home: Path) -> None:
    artifact = next((home / "models").glob("*.skops"))
    kept = artifact.read_bytes()
    artifact.write_bytes(kept[: len(kept) // 10])
    try:
        done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "out.jsonl")
        _says_one_line(done, "does not match its recorded SHA-256")
    finally:
        artifact.write_bytes(kept)


def test_an_unwritable_output_file(home: Path) -> None:
    done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "no/such/dir/out.jsonl")
    _says_one_line(done, "No such file or directory")


def test_an_input_that_cannot_be_read(home: Path) -> None:
    (home / "a-directory").mkdir(exist_ok=True)
    done = _pantau(home, "classify", "--input", "a-directory", "--output", "out.jsonl")
    _says_one_line(done, "a-directory")
