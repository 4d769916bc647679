"""Model, file and disk problems reach the user as one line and an exit status, never a traceback
(run as the real console script, in a subprocess); the classifier's own problems in the
reader's language (Indonesian by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

POST = '{"platform": "x", "external_id": "1", "text": "Ayo coblos nomor 2 besok!"}\n'


def _pantau(home: Path, *args: str, lang: str | None = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PANTAU_HOME": str(home), "PANTAU_LANG": lang or ""}
    env.pop("PANTAU_DATABASE_URL", None)
    if lang is None:
        env.pop("PANTAU_LANG")
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


def _artifact(home: Path, change: object) -> None:
    """Apply `change(bytes, sha) -> (bytes, sha)` to the active model's row in the database."""
    import sqlite3

    with sqlite3.connect(home / "pantau.db") as conn:
        (version,) = conn.execute("SELECT version FROM model_activations ORDER BY id DESC "
                                  "LIMIT 1").fetchone()
        data, sha = conn.execute("SELECT artifact, sha256 FROM model_versions WHERE version = ?",
                                 (version,)).fetchone()
        new_data, new_sha = change(data, sha)  # type: ignore[operator]
        conn.execute("UPDATE model_versions SET artifact = ?, sha256 = ? WHERE version = ?",
                     (new_data, new_sha, version))


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "does not match its recorded SHA-256"),
    (None, "tidak cocok dengan SHA-256 yang tercatat"),  # the default language
])
def test_an_altered_model_in_the_database(home: Path, lang: str | None, words: str) -> None:
    kept: list[tuple[bytes, str]] = []
    _artifact(home, lambda data, sha: (kept.append((data, sha)) or data[: len(data) // 10], sha))
    try:
        done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "out.jsonl",
                       lang=lang)
        _says_one_line(done, words)
    finally:
        _artifact(home, lambda data, sha: kept[0])


def test_every_classifier_message_id_is_translated() -> None:
    """Each template the classifier marks with N_ (its errors, extracted into the cli catalog)
    has an Indonesian translation."""
    from babel.messages.extract import extract_from_file

    from monitor.i18n import gettext_for

    indonesian = gettext_for("id")
    found: set[str] = set()
    for path in sorted((Path(__file__).resolve().parents[2] / "classifier").glob("*.py")):
        found |= {m for _, m, _, _ in extract_from_file("python", str(path),
                                                          keywords={"N_": None})}
    assert len(found) >= 12
    assert not sorted(m for m in found if indonesian(m) == m)


def test_a_model_row_that_is_not_a_skops_file(home: Path) -> None:
    import hashlib

    kept: list[tuple[bytes, str]] = []
    bad = b"\x80\x04K\x01."  # a pickle, with a matching hash: refused all the same
    _artifact(home, lambda data, sha: (kept.append((data, sha)) or bad,
                                       hashlib.sha256(bad).hexdigest()))
    try:
        done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "out.jsonl")
        _says_one_line(done, "not a skops model file")
    finally:
        _artifact(home, lambda data, sha: kept[0])


@pytest.mark.parametrize(("lang", "reason"), [
    ("en", "file not found"),
    (None, "berkas tidak ditemukan"),  # the default language
])
def test_an_unwritable_output_file(home: Path, lang: str | None, reason: str) -> None:
    """The system's words ("No such file or directory") are said as a short reason in the
    reader's language, the path kept."""
    done = _pantau(home, "classify", "--input", "in.jsonl", "--output", "no/such/dir/out.jsonl",
                   lang=lang)
    _says_one_line(done, f"no/such/dir/out.jsonl: {reason}")
    assert "No such file" not in done.stderr


def test_an_input_that_cannot_be_read(home: Path) -> None:
    (home / "a-directory").mkdir(exist_ok=True)
    done = _pantau(home, "classify", "--input", "a-directory", "--output", "out.jsonl")
    _says_one_line(done, "a-directory")
