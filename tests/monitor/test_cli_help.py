"""`pantau --help` and every command's help, and click's own words, in the command line's
language: Indonesian by default, English with PANTAU_LANG=en (monitor/cli/help_text.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from click.testing import CliRunner

from monitor.cli import cli
from monitor.cli.help_text import CLICK_MODULES, message_id
from monitor.cli.index import COMMANDS
from monitor.i18n import LOCALE_DIR

REPO = Path(__file__).resolve().parents[2]
CLICK_WORDS = ("Usage:", "Options:", "Commands:", "Show this message and exit.")


def _catalog(language: str) -> dict[str, str]:
    """The cli catalog's translated entries (singular ids; a plural's first form)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "cli.po").open("rb") as handle:
        catalog = read_po(handle)
    entries = {}
    for m in catalog:
        if m.id and not m.fuzzy:
            key = m.id if isinstance(m.id, str) else m.id[0]
            entries[key] = m.string if isinstance(m.string, str) else m.string[0]
    return entries


INDONESIAN = _catalog("id")


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    """Every registered command and subcommand, walked from the group (so a new one is
    covered without listing it here)."""
    for name, command in sorted(group.commands.items()):  # loads every command module
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


ALL = [((), cli), *_commands(cli)]


def _squeezed(text: str) -> str:
    """Without whitespace, so a text wrapped and indented by the formatter still matches."""
    return "".join(text.split())


def _help(args: tuple[str, ...], language: str | None) -> str:
    env = {"PANTAU_LANG": language} if language else {"PANTAU_LANG": None}
    result = CliRunner(env=env).invoke(cli, [*args, "--help"], prog_name="pantau",
                                       terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def _shown_ids(command: click.Command) -> list[str]:
    """The help ids a command's --help shows: its own help and each option's and argument's."""
    ids = [message_id(command)]
    ids += [message_id(p) for p in command.get_params(click.Context(command))
            if isinstance(p, (click.Option, click.Argument))]
    return [i for i in ids if i]


@pytest.mark.parametrize("path, command", ALL, ids=[" ".join(("pantau", *p)) for p, _ in ALL])
def test_every_option_and_argument_has_a_translated_help_text(
        path: tuple[str, ...], command: click.Command) -> None:
    """No option or argument is shown without a word on what it does, in either language: each
    has a `help=` id (an N_-marked English text) that the Indonesian catalog translates."""
    for param in command.get_params(click.Context(command)):
        if getattr(param, "hidden", False):
            continue
        shown = f"pantau {' '.join(path)} {param.opts[0] if isinstance(param, click.Option) else param.name}"
        text = message_id(param)
        assert text, f"{shown}: no help text (or not a translated one)"
        assert INDONESIAN.get(text), f"{shown}: no Indonesian for {text!r}"


def test_every_command_is_walked() -> None:
    names = {path[0] for path, _ in ALL if path}
    assert names == set(COMMANDS) and len(ALL) > len(COMMANDS)


@pytest.mark.parametrize("path, command", ALL, ids=[" ".join(("pantau", *p)) for p, _ in ALL])
def test_every_help_is_indonesian_by_default(path: tuple[str, ...],
                                             command: click.Command) -> None:
    shown = _help(path, None)
    squeezed = _squeezed(shown)
    ids = _shown_ids(command)
    assert ids, "a command with no help text"
    for message in ids:
        translation = INDONESIAN.get(message)
        assert translation, f"pantau {' '.join(path)}: no Indonesian for {message!r}"
        assert _squeezed(translation) in squeezed, (message, shown)
        if translation != message:
            assert _squeezed(message) not in squeezed, (message, shown)
    for word in CLICK_WORDS:
        assert word not in shown, (word, shown)
    assert "Penggunaan: pantau" in shown and "Opsi:" in shown
    if any(isinstance(p, click.Argument) for p in command.get_params(click.Context(command))):
        assert "Positional arguments" not in shown and INDONESIAN["Positional arguments"] in shown
    if isinstance(command, click.Group):
        assert "Perintah:" in shown
        if not path:  # the top level lists the static table, each entry translated
            for name, (_module, text) in COMMANDS.items():
                assert INDONESIAN.get(text), name
                first_words = " ".join(INDONESIAN[text].split()[:2])
                assert f"  {name}" in shown and first_words in shown, name


@pytest.mark.parametrize("path, command", ALL, ids=[" ".join(("pantau", *p)) for p, _ in ALL])
def test_every_help_is_english_with_pantau_lang_en(path: tuple[str, ...],
                                                   command: click.Command) -> None:
    shown = _help(path, "en")
    squeezed = _squeezed(shown)
    for message in _shown_ids(command):
        assert _squeezed(message) in squeezed, (message, shown)
    for word in CLICK_WORDS[:2] + CLICK_WORDS[3:]:
        assert word in shown
    if any(isinstance(p, click.Argument) for p in command.get_params(click.Context(command))):
        assert "Positional arguments:" in shown, shown


def test_the_language_is_the_one_set_when_help_is_formatted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same command objects, formatted in one language and then the other."""
    command = cli.commands["review"]
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en for every test
    assert command.help == INDONESIAN["The review queue of flagged posts."]
    assert "Tampilkan pesan ini lalu keluar." in _help(("review",), None)
    monkeypatch.setenv("PANTAU_LANG", "en")
    assert command.help == "The review queue of flagged posts."
    assert "Show this message and exit." in _help(("review",), "en")


def _pantau(*args: str, language: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_LANG"}
    if language:
        env["PANTAU_LANG"] = language
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, timeout=120, env={**env, "COLUMNS": "80"})


def test_pantau_help_in_english_with_pantau_lang_en() -> None:
    shown = _pantau("--help", language="en")
    assert shown.returncode == 0
    for text in ("Usage: pantau [OPTIONS] COMMAND [ARGS]...",
                 "Pantau: monitor ASN campaign activity on social media.", "Options:",
                 "Show this message and exit.", "Commands:", "The review queue of flagged posts."):
        assert text in shown.stdout
    assert "Penggunaan" not in shown.stdout


def test_pantau_help_in_indonesian_by_default_when_piped() -> None:
    shown = _pantau("--help", language=None)
    assert shown.returncode == 0
    assert shown.stdout.startswith("Penggunaan: pantau [OPTIONS] COMMAND [ARGS]...")
    assert INDONESIAN["Pantau: monitor ASN campaign activity on social media."] in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80


def test_a_usage_error_is_indonesian_by_default_and_english_on_request() -> None:
    refused = _pantau("review", "list", "--bogus", language=None)
    assert refused.returncode == 2
    assert "Penggunaan: pantau review list [OPTIONS]" in refused.stderr
    assert "Coba 'pantau review list --help' untuk bantuan." in refused.stderr
    assert "Kesalahan: Tidak ada opsi '--bogus'." in refused.stderr
    assert "Error" not in refused.stderr and "Usage" not in refused.stderr
    english = _pantau("review", "list", "--bogus", language="en")
    assert "Error: No such option '--bogus'." in english.stderr
    assert "Usage: pantau review list [OPTIONS]" in english.stderr


def test_an_invalid_value_and_a_missing_argument_are_indonesian() -> None:
    invalid = _pantau("review", "list", "--status", "nope", language=None)
    assert "Kesalahan: Nilai tidak valid untuk '--status': 'nope' bukan salah satu dari" in (
        invalid.stderr)
    missing = _pantau("review", "decide", language=None)
    assert "Kesalahan: Tidak ada argumen 'REVIEW_ID'." in missing.stderr


def test_version_says_its_word_in_the_language() -> None:
    assert _pantau("--version", language=None).stdout.startswith("pantau, versi ")
    assert _pantau("--version", language="en").stdout.startswith("pantau, version ")


def _ids(path: Path, method: str = "python") -> set[str | tuple[str, ...]]:
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    return {message for _, message, _, _ in extract_from_file(method, str(path), keywords=keywords)}


def test_click_messages_lists_every_message_of_clicks_modules() -> None:
    """An upgrade of click that adds or rewords a message fails here until
    monitor/cli/click_messages.py lists it (and the catalogs translate it)."""
    in_click = set()
    for name in CLICK_MODULES:
        in_click |= _ids(Path(sys.modules[name].__file__ or ""))
    listed = _ids(REPO / "monitor" / "cli" / "click_messages.py") - {"required"}
    assert listed == in_click


def test_every_cli_help_id_is_extracted_and_translated() -> None:
    """What `make messages` extracts from monitor/cli (with the docstrings of commands) is in
    the Indonesian catalog, translated."""
    method = "monitor.cli.babel_extract:extract_cli"
    found = set()
    for path in sorted((REPO / "monitor" / "cli").glob("*.py")):
        found |= _ids(path, method)
    singular = {m if isinstance(m, str) else m[0] for m in found}
    assert {message_id(command) for _, command in ALL} <= singular
    assert not sorted(m for m in singular if not INDONESIAN.get(m))
