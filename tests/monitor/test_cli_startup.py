"""Start-up contract: `pantau --help` / `--version` (and every group's --help) load neither the
database layer nor the classifier — they are imported when a command that needs them runs —
`pantau --help` lists every command from monitor/cli/index.py without importing a command
module, `pantau init` installs the shipped model without loading scikit-learn, and `pantau
stats` reports the active model version from its pointer, without loading it."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest

from monitor.cli import cli
from monitor.cli.help_text import message_id, translated
from monitor.cli.index import COMMANDS

HEAVY = ("sqlalchemy", "alembic", "sklearn", "numpy", "scipy", "skops", "scrapers", "httpx", "babel",
         "classifier", "storage.db", "storage.models")

PROBE = """
import json, sys
sys.argv = ["pantau", *json.loads(sys.argv[1])]
from monitor.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m in {heavy} or m.startswith({prefixes}))),
      file=sys.stderr)
"""


def loaded_after(*args: str, prefixes: tuple[str, ...] = ()) -> list[str]:
    """The HEAVY modules (and any module starting with one of `prefixes`) that
    `pantau ARGS` left in sys.modules, run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, prefixes=prefixes), json.dumps(list(args))],
        capture_output=True, text=True, timeout=120, check=True)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def run_pantau(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("review", "--help"),
                                  ("posts", "list", "--help"), ("models", "--help"),
                                  ("export", "--help"), ("users", "--help")])
def test_help_and_version_load_neither_sqlalchemy_nor_the_classifier(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) == []


def test_help_imports_no_command_module_and_no_settings() -> None:
    assert loaded_after("--help", prefixes=("monitor.cli.", "monitor.config")) == [
        "monitor.cli.app", "monitor.cli.help_text", "monitor.cli.index", "monitor.cli.lazy_group"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_command_table_names_every_command_with_its_own_help(
        language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table repeats each command's help: the same English id, and so the same text in
    each language (the docstring's first paragraph, translated, is the table's entry)."""
    monkeypatch.setenv("PANTAU_LANG", language)
    commands = dict(cli.commands.items())  # iterating loads every command module
    assert set(COMMANDS) == set(commands)
    for name, (_module, first_paragraph) in COMMANDS.items():
        assert (message_id(commands[name]) or "").split("\n\n")[0] == first_paragraph, name
        shown = inspect.cleandoc(commands[name].help or "")
        assert shown.split("\n\n")[0] == translated(first_paragraph), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_importing_a_commands_module_registers_it(name: str) -> None:
    module = COMMANDS[name][0]
    probe = (f"import importlib, sys\nfrom monitor.cli import cli\nimportlib.import_module({module!r})\n"
             f"print({name!r} in dict.keys(cli.commands))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "True"


def test_help_lists_the_commands_as_click_would() -> None:
    listed = run_pantau("--help")
    assert listed.returncode == 0
    commands = dict(cli.commands.items())
    width = click.HelpFormatter().width - 6 - max(len(n) for n in commands)
    for name, command in commands.items():
        assert f"  {name:<10}{command.get_short_help_str(width)}" in listed.stdout


def test_a_group_spread_over_two_modules_lists_all_its_subcommands() -> None:
    listed = run_pantau("audit", "--help")
    assert listed.returncode == 0
    assert "verify" in listed.stdout and "anchor" in listed.stdout


def test_version_is_the_installed_distributions() -> None:
    shown = run_pantau("--version")
    assert shown.returncode == 0
    assert shown.stdout.split()[-1] == version("pantau")


def test_an_unknown_command_is_refused_with_the_usual_message() -> None:
    refused = run_pantau("nosuch", env={**os.environ, "PANTAU_LANG": "en"})
    assert refused.returncode == 2
    assert "No such command 'nosuch'" in refused.stderr
    default = {k: v for k, v in os.environ.items() if k != "PANTAU_LANG"}
    assert "Tidak ada perintah 'nosuch'" in run_pantau("nosuch", env=default).stderr


def test_init_installs_the_shipped_model_without_loading_scikit_learn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    loaded = loaded_after("--db", url, "init")
    assert not {"sklearn", "numpy", "scipy", "skops"} & set(loaded)
    from classifier.shipped import shipped_metadata
    from monitor.config import load_settings
    from monitor.services.models import active_model
    from storage.db import Database

    meta = shipped_metadata()
    assert meta is not None
    db = Database(url)
    try:  # the model it activated loads (hash and trusted types checked) and scores
        model = active_model(db, load_settings(None, database_url=url, environ={
            "PANTAU_HOME": str(tmp_path)}, cwd=tmp_path))
    finally:
        db.dispose()
    assert model.version == meta["version"]
    assert model.threshold == pytest.approx(meta["threshold"])


def test_a_command_that_needs_the_database_still_loads_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert "sqlalchemy" in loaded_after("--db", url, "review", "list")


def test_stats_reads_the_active_pointer_without_loading_the_model(tmp_path: Path) -> None:
    from monitor.config import load_settings
    from monitor.services.admin import active_model_version

    settings = load_settings(None, database_url=f"sqlite:///{tmp_path / 'p.db'}",
                             environ={"PANTAU_HOME": str(tmp_path)}, cwd=tmp_path)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    assert active_model_version(settings) is None
    (settings.models_dir / "active.json").write_text(
        json.dumps({"active": "v-test", "history": []}), encoding="utf-8")
    (settings.models_dir / "v-test.skops").write_bytes(b"not a model")  # never read
    assert active_model_version(settings) == "v-test"
