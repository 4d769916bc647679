"""Configuration errors, as a user reads them: in Indonesian by default, in English with
PANTAU_LANG=en. monitor.config raises ConfigError with an English template and its values (a
storage.errors.TemplatedError, still a ValueError); the CLI translates it where it is shown
(monitor.cli.app.error_text), the web app through WebContext.error_text. Run through the real
command line against a real SQLite database in tmp_path."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from cli_runner import pantau

from monitor.cli.app import error_text
from monitor.config import ConfigError, load_settings
from monitor.i18n import gettext_for
from monitor.jobs.processes import ServiceError, WebServer
from monitor.jobs.scheduler import SchedulerConfig
from storage.db import Database
from storage.errors import Message, TemplatedError
from storage.migrate import upgrade

REPO = Path(__file__).resolve().parents[2]
ID, EN = gettext_for("id"), gettext_for("en")


@pytest.fixture
def initialised(home: str) -> str:
    db = Database(home)
    upgrade(db)
    db.dispose()
    return home


def _in(language: str | None, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    if language is None:
        monkeypatch.delenv("PANTAU_LANG", raising=False)  # tests/monitor/conftest.py sets en
    else:
        monkeypatch.setenv("PANTAU_LANG", language)
    code, _out, err = pantau(*args)
    return code, err


def test_a_bad_environment_variable_is_refused_in_indonesian_by_default_and_english_on_request(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_WEB__PORT", "0")
    code, err = _in(None, monkeypatch, "review", "list")
    assert code == 2
    assert err == ("pantau: kesalahan konfigurasi: PANTAU_WEB__PORT (web.port): harus antara 1 "
                   "dan 65535, bukan 0\n")
    code, err = _in("en", monkeypatch, "review", "list")
    assert code == 2
    assert err == ("pantau: configuration error: PANTAU_WEB__PORT (web.port): must be between 1 "
                   "and 65535, got 0\n")


def test_a_bad_setting_in_the_config_file_names_the_file_in_either_language(
        home: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text('[scrape]\ntimeout = "soon"\n', encoding="utf-8")
    code, err = _in(None, monkeypatch, "--config", str(config), "stats")
    assert code == 2
    assert err == (f"pantau: kesalahan konfigurasi: {config}: scrape.timeout: bukan durasi: "
                   "'soon' (gunakan 90, 90s, 15m, atau 1h)\n")
    code, err = _in("en", monkeypatch, "--config", str(config), "stats")
    assert code == 2
    assert err == (f"pantau: configuration error: {config}: scrape.timeout: not a duration: "
                   "'soon' (use 90, 90s, 15m or 1h)\n")


def test_an_unknown_section_and_an_unreadable_file_are_refused_in_either_language(
        home: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text("[scrap]\ntimeout = 5\n", encoding="utf-8")
    code, err = _in(None, monkeypatch, "stats")  # ./pantau.toml is read without --config
    assert code == 2 and err == f"pantau: kesalahan konfigurasi: {config}: bagian tidak dikenal: scrap\n"
    code, err = _in("en", monkeypatch, "stats")
    assert code == 2 and err == f"pantau: configuration error: {config}: unknown section(s): scrap\n"
    config.write_bytes(b"[web]\nhost = \"\xff\"\n")
    code, err = _in(None, monkeypatch, "stats")
    assert err == (f"pantau: kesalahan konfigurasi: {config}: bukan teks UTF-8 yang valid "
                   "(bita 14)\n")


def test_a_declared_source_of_an_unknown_type_is_refused_with_its_reason_translated(
        initialised: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The source's own refusal (monitor.sources.SourceError) inside the configuration error
    is a Message: it is translated with the rest."""
    config = tmp_path / "pantau.toml"
    config.write_text('[[sources]]\nname = "kabar"\ntype = "gopher"\nurl = "https://x.test/"\n',
                      encoding="utf-8")
    code, err = _in(None, monkeypatch, "scrape", "--all")
    assert code == 2
    assert err.startswith(f"pantau: {config}: sumber 'kabar': jenis sumber tidak dikenal "
                          "'gopher' (yang dikenal: ")
    code, err = _in("en", monkeypatch, "scrape", "--all")
    assert code == 2
    assert err.startswith(f"pantau: {config}: source 'kabar': unknown source type 'gopher' "
                          "(known: ")


def test_a_bad_interval_for_a_new_source_is_refused_in_either_language(
        initialised: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("sources", "add", "kabar", "--type", "rss", "--url", "https://x.test/feed",
            "--interval", "1y")
    code, err = _in(None, monkeypatch, *args)
    assert code == 2
    assert err == "pantau: bukan durasi: '1y' (gunakan 90, 90s, 15m, atau 1h)\n"
    code, err = _in("en", monkeypatch, *args)
    assert code == 2 and err == "pantau: not a duration: '1y' (use 90, 90s, 15m or 1h)\n"


def test_a_config_error_is_an_english_value_error_that_knows_its_template(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        load_settings(environ={"PANTAU_WEB__TIMEZONE": "Mars/Olympus"}, cwd=tmp_path)
    error = caught.value
    assert isinstance(error, ConfigError) and isinstance(error, TemplatedError)
    assert str(error) == ("PANTAU_WEB__TIMEZONE (web.timezone): unknown time zone: "
                          "'Mars/Olympus' (e.g. Asia/Makassar)")
    assert isinstance(error.params["error"], Message)  # the inner error, wrapped with its origin
    assert error.translated(ID) == ("PANTAU_WEB__TIMEZONE (web.timezone): zona waktu tidak "
                                    "dikenal: 'Mars/Olympus' (misalnya Asia/Makassar)")
    assert error.translated(EN) == str(error)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # uvicorn
def test_the_scheduler_settings_check_and_the_web_app_start_are_translated_too(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        SchedulerConfig(min_interval=60, max_concurrent=1, lease_ttl=10, heartbeat=8, resync=1)
    assert caught.value.translated(ID).startswith(
        "scheduler.lease_heartbeat (8s) harus lebih dari 0 dan paling banyak setengah dari "
        "scheduler.lease_ttl (10s)")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServiceError) as refused:
            WebServer(lambda *_: None, "127.0.0.1", port).start()
    assert str(refused.value) == (f"the web app could not listen on http://127.0.0.1:{port} "
                                  "(port in use? set web.port or PANTAU_WEB__PORT)")
    monkeypatch.delenv("PANTAU_LANG")
    assert error_text(refused.value) == (
        f"aplikasi web tidak dapat menerima koneksi di http://127.0.0.1:{port} (port sedang "
        "digunakan? atur web.port atau PANTAU_WEB__PORT)")


def test_serve_on_a_port_in_use_says_so_in_indonesian(initialised: str, tmp_path: Path) -> None:
    """`pantau serve` as a separate process: a port it cannot listen on is one line in the
    reader's language, not a traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("PANTAU_LANG", "PANTAU_DATABASE_URL")}
    env.update(PANTAU_HOME=str(tmp_path / "home"), COLUMNS="80")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "monitor", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(
        f"pantau: aplikasi web tidak dapat menerima koneksi di http://127.0.0.1:{port} (port "
        "sedang digunakan? atur web.port atau PANTAU_WEB__PORT)\n")
    assert "Traceback" not in done.stderr


def _config_error_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "ConfigError"]


def test_every_config_error_is_raised_with_a_marked_template() -> None:
    """No ConfigError is built from an f-string: each takes an N_ template (or, in
    monitor.config._within, a prefix with no words: "{where}: {error}")."""
    calls = {path: _config_error_calls(path) for path in sorted((REPO / "monitor").rglob("*.py"))}
    unmarked = [(path.name, call.lineno) for path, found in calls.items() for call in found
                if not (call.args and isinstance(call.args[0], ast.Call)
                        and getattr(call.args[0].func, "id", None) == "N_")
                and not (call.args and isinstance(call.args[0], ast.Constant)
                         and call.args[0].value == "{where}: {error}")]
    assert sum(len(found) for found in calls.values()) >= 35
    assert not unmarked


def test_every_configuration_message_id_is_translated() -> None:
    """Each template monitor.config, the sources, the scheduler and the service start mark with
    N_ (extracted into the cli catalog) has an Indonesian translation."""
    paths = [REPO / "monitor" / name for name in ("config.py", "sources.py")]
    paths += [REPO / "monitor" / "services" / "sources.py", REPO / "monitor" / "jobs" / "scheduler.py",
              REPO / "monitor" / "jobs" / "processes.py"]
    found = {m for path in paths for _, m, _, _ in extract_from_file(
        "python", str(path), keywords={"N_": None})}
    assert len(found) >= 35
    assert not sorted(m for m in found if ID(m) == m)


def test_a_config_file_that_cannot_be_read_is_said_by_a_short_reason(tmp_path: Path) -> None:
    """The system's words stay in the English text; a reader reads a short reason for a known
    errno, in Indonesian by default, in English with the English catalog."""
    absent = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as raised:
        load_settings(absent, environ={}, cwd=tmp_path)
    assert str(raised.value) == f"{absent}: cannot read: No such file or directory"
    assert raised.value.translated(ID) == f"{absent}: tidak dapat dibaca: berkas tidak ditemukan"
    assert raised.value.translated(EN) == f"{absent}: cannot read: file not found"
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ={}, cwd=tmp_path)  # a directory
    assert raised.value.translated(ID) == (
        f"{tmp_path}: tidak dapat dibaca: itu direktori, bukan berkas")
    assert raised.value.translated(EN) == f"{tmp_path}: cannot read: it is a directory, not a file"
