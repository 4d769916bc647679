"""Storage's refusals, as a user reads them: in Indonesian by default, in English with
PANTAU_LANG=en. Storage raises an English template and its values (storage.errors); the CLI
(monitor.cli.app.refusals) and the use cases (monitor.services.guard) translate them where they
are shown. Run through the real command line against a real SQLite database in tmp_path."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from babel.messages.extract import extract_from_file
from cli_runner import pantau

from monitor.errors import NotFound, ServiceError
from monitor.i18n import gettext_for
from monitor.services.guard import storage_errors
from storage.db import Database
from storage.errors import N_, Message, ReviewNotFound, StorageError
from storage.migrate import _config, upgrade
from storage.records import InvalidRecord, record_from_dict

REPO = Path(__file__).resolve().parents[2]
ID = gettext_for("id")


def _in(language: str | None, monkeypatch: pytest.MonkeyPatch, *args: str,
        input: str | None = None) -> tuple[int, str]:
    if language is None:
        monkeypatch.delenv("PANTAU_LANG", raising=False)  # tests/monitor/conftest.py sets en
    else:
        monkeypatch.setenv("PANTAU_LANG", language)
    code, _out, err = pantau(*args, input=input)
    return code, err


def test_the_schema_refusal_is_indonesian_by_default_and_english_on_request(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = _in(None, monkeypatch, "review", "list")
    assert code == 2
    assert err == (f"pantau: basis data {home} belum memiliki skema Pantau; jalankan "
                   "`pantau init` terlebih dahulu\n")
    code, err = _in("en", monkeypatch, "review", "list")
    assert code == 2
    assert err == f"pantau: the database {home} has no Pantau schema; run `pantau init` first\n"


def test_an_older_schema_is_refused_with_its_revision_in_either_language(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(home)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    db.dispose()
    code, err = _in(None, monkeypatch, "stats")
    assert code == 2
    assert f"basis data {home} masih pada revisi 0001; jalankan `pantau init`" in err
    code, err = _in("en", monkeypatch, "stats")
    assert f"the database {home} is at revision 0001; run `pantau init` first" in err


def test_a_database_url_that_cannot_be_used_is_refused_in_either_language(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = _in(None, monkeypatch, "--db", "::", "stats")
    assert code == 2 and err.startswith("pantau: bukan URL basis data: '::' (")
    code, err = _in("en", monkeypatch, "--db", "::", "stats")
    assert code == 2 and err.startswith("pantau: not a database URL: '::' (")
    code, err = _in(None, monkeypatch, "--db", "nonsense://", "stats")
    assert code == 2 and err.startswith("pantau: basis data nonsense:// tidak dapat digunakan: ")
    code, err = _in("en", monkeypatch, "--db", "nonsense://", "stats")
    assert code == 2 and err.startswith("pantau: cannot use database nonsense://: ")


def test_an_unreachable_database_is_refused_in_either_language(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1
    code, err = _in(None, monkeypatch, "--db", url, "stats")
    assert code == 2 and err.startswith(f"pantau: {url} tidak dapat dibuka: ")
    code, err = _in("en", monkeypatch, "--db", url, "stats")
    assert code == 2 and err.startswith(f"pantau: cannot open {url}: ")


def test_a_user_name_storage_refuses_is_explained_in_either_language(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(home)
    upgrade(db)
    db.dispose()
    args = ("users", "add", "x", "--role", "monitor", "--password-stdin")
    code, err = _in(None, monkeypatch, *args, input="rahasia-panjang-1\n")
    assert code == 2
    assert err == "pantau: nama pengguna terdiri atas 2 sampai 100 huruf, angka, atau . _ @ -\n"
    code, err = _in("en", monkeypatch, *args, input="rahasia-panjang-1\n")
    assert code == 2 and err == "pantau: a user name has 2 to 100 letters, digits or . _ @ -\n"


def test_serve_on_an_uninitialised_home_refuses_in_indonesian(tmp_path: Path) -> None:
    """The web app's own start: `pantau serve` as a separate process, its output piped."""
    env = {k: v for k, v in os.environ.items() if k not in ("PANTAU_LANG", "PANTAU_DATABASE_URL")}
    env.update(PANTAU_HOME=str(tmp_path / "home"), COLUMNS="80")
    done = subprocess.run([sys.executable, "-m", "monitor", "serve", "--port", "0"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "belum memiliki skema Pantau; jalankan `pantau init` terlebih dahulu" in done.stderr
    assert "no Pantau schema" not in done.stderr


def test_a_storage_error_keeps_its_template_through_the_use_cases() -> None:
    """What the web app shows (WebContext.error_text) is the use case's error translated: a
    storage error mapped by storage_errors() carries storage's template and values."""
    with pytest.raises(NotFound) as caught, storage_errors():
        raise ReviewNotFound(N_("no review item {id}"), id=7)
    assert caught.value.message == "no review item 7"
    assert caught.value.translated(ID) == "tidak ada butir tinjauan 7"
    assert caught.value.translated(gettext_for("en")) == "no review item 7"


def test_a_message_value_is_translated_with_its_error_and_a_broken_one_falls_back() -> None:
    inner = Message(N_("no review item {id}"), id=3)
    error = StorageError(N_("cannot open {database}: {error}"), database="x.db", error=inner)
    assert str(error) == "cannot open x.db: no review item 3"
    assert error.translated(ID) == "x.db tidak dapat dibuka: tidak ada butir tinjauan 3"
    broken = ServiceError(N_("no review item {id}"), id=3)
    assert broken.translated(lambda _id: "butir {nomor}") == "no review item 3"
    plain = StorageError("a text with {braces} that is no message id")
    assert plain.translated(ID) == str(plain) == "a text with {braces} that is no message id"


def test_every_storage_message_id_is_translated() -> None:
    """Each template storage marks with N_ (extracted by `make messages` into the cli catalog)
    has an Indonesian translation."""
    found: set[str] = set()
    for path in sorted((REPO / "storage").rglob("*.py")):
        found |= {m for _, m, _, _ in extract_from_file("python", str(path),
                                                          keywords={"N_": None})}
    assert len(found) >= 50
    assert not sorted(m for m in found if ID(m) == m)


def test_an_imported_line_storage_refuses_is_reported_in_either_language(
        home: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why `pantau import` refuses a line (the interchange reader's and the storage boundary's
    checks) is said in the reader's language; the JSON parser's own words stay English."""
    db = Database(home)
    upgrade(db)
    db.dispose()
    lines = ['{"platform": "x", "external_id": "1"}',  # no text
             'not json',
             '{"platform": "x", "external_id": "2", "text": "ok", "label": 7}',
             '{"platform": "x", "external_id": "3", "text": "ok", "media": [5]}']
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ("import", "--no-classify", str(source))
    code, err = _in(None, monkeypatch, *args)
    assert code == 1
    assert f"{source}:1: ditolak: text wajib diisi (berupa string)\n" in err
    assert f"{source}:2: ditolak: JSON tidak valid: " in err
    assert f"{source}:3: ditolak: label harus 0 atau 1, bukan 7\n" in err
    assert f"{source}:4: ditolak: media[0] harus berupa objek\n" in err
    assert "diambil: 4," in err and "fetched" not in err  # the summary's words too
    code, err = _in("en", monkeypatch, *args)
    assert code == 1
    assert f"{source}:1: rejected: text is required (a string)\n" in err
    assert f"{source}:2: rejected: invalid JSON: " in err
    assert f"{source}:3: rejected: label must be 0 or 1, got 7\n" in err
    assert f"{source}:4: rejected: media[0] must be an object\n" in err


def test_a_record_refusal_is_an_english_str_that_knows_its_template() -> None:
    with pytest.raises(InvalidRecord) as caught:
        record_from_dict({"platform": "x", "external_id": "1", "text": "t", "label": 7})
    text = caught.value.text
    assert str(caught.value) == text == "label must be 0 or 1, got 7"
    assert isinstance(text, str) and f"{text}" == "label must be 0 or 1, got 7"
    assert text.translated(ID) == "label harus 0 atau 1, bukan 7"
    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args
