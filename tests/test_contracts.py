"""Meta-tests: documentation and registries stay in step with the code."""

import importlib
import itertools
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from monitor.config import SETTINGS
from scrapers import ADAPTERS

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting) -> None:  # type: ignore[no-untyped-def]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`{setting.name}`" in readme, f"{setting.name} is missing from README.md's configuration table"


@pytest.mark.parametrize("source_type", sorted(ADAPTERS))
def test_every_source_type_has_tests(source_type: str) -> None:
    tests = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests" / "scrapers").glob("test_*.py"))
    assert f'"{source_type}"' in tests or f"scrapers.{source_type}" in tests or f"{source_type.title()}Adapter" in tests


def test_readme_names_the_two_quick_start_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


# --- Layering: nothing outside storage/ imports storage.models ---------------------------------

# Files of other areas that still import storage.models while their owners move them to storage's
# query functions. The lead empties this set when merging; nothing new may join it.
PENDING_OTHER_AREAS: set[str] = set()
_MODELS_IMPORT = re.compile(r"^\s*(from\s+storage\.models\s+import|import\s+storage\.models|"
                            r"from\s+storage\s+import\s+[^#\n]*\bmodels\b)", re.MULTILINE)


def _python_files(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (REPO / package).rglob("*.py"))


def test_nothing_outside_storage_imports_storage_models() -> None:
    offenders = [str(p.relative_to(REPO)) for p in _python_files("monitor", "scrapers", "classifier")
                 if _MODELS_IMPORT.search(p.read_text(encoding="utf-8"))
                 and str(p.relative_to(REPO)) not in PENDING_OTHER_AREAS]
    assert not offenders, f"use storage's query functions instead of storage.models in {offenders}"


def test_the_layers_do_not_import_the_shell() -> None:
    shell = re.compile(r"^\s*(from\s+monitor[\s.]|import\s+monitor\b)", re.MULTILINE)
    offenders = [str(p.relative_to(REPO)) for p in _python_files("storage", "scrapers", "classifier")
                 if shell.search(p.read_text(encoding="utf-8"))]
    assert not offenders


def test_the_command_line_starts_without_loading_the_classifier() -> None:
    code = "import sys, monitor.cli; sys.exit('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


# --- Public surfaces: each package's __all__ is pinned ------------------------------------------

PUBLIC = {
    "storage": [
        "Database", "upgrade", "require_current",
        "StorageError", "SchemaNotReady", "RowNotFound", "ReviewNotFound", "UserNotFound",
        "SourceNotFound", "StaleVersion", "StaleDecision", "DuplicateRow", "InvalidValue",
        "UserError",
        "PostRecord", "InvalidRecord", "record_from_dict", "record_to_dict",
        "append_audit", "verify_log", "AuditCheck",
    ],
    "monitor": [],
    "monitor.services": ["open_database", "active_scorer", "model_registry"],
    "classifier": ["ClassifierError", "ModelLoadError", "NoActiveModel", "Model", "Prediction",
                   "ModelInfo", "ModelRegistry", "train_model", "build_training_set"],
    "scrapers": ["SourceConfig", "FetchResult", "Snapshot", "ScrapedPost", "SourceAdapter",
                 "ADAPTERS", "BUILTIN", "get_adapter", "ClientSettings", "PoliteClient",
                 "ScraperError", "InvalidSource", "FetchError", "RateLimited", "ParseError"],
}


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_each_package_exports_exactly_its_pinned_names(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(PUBLIC[package]), (
        f"{package}.__all__ changed: update PUBLIC in tests/test_contracts.py deliberately")
    for name in module.__all__:
        assert getattr(module, name) is not None


# --- The README's command table is the CLI ----------------------------------------------------

_CELL_CODE = re.compile(r"`([^`]+)`")
_WORD = re.compile(r"^[a-z][a-z-]*$")


def _readme_commands() -> set[tuple[str, ...]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    found = set()
    for line in section.splitlines():
        if not line.startswith("| `pantau"):
            continue
        first_cell = line.split(" | ")[0]
        for code in _CELL_CODE.findall(first_cell):
            words = code.split()
            if words[0] == "pantau":
                words = words[1:]
            path = tuple(itertools.takewhile(_WORD.match, words))
            if path:
                found.add(path)
    return found


def _cli_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _cli_commands(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


def test_the_readme_command_table_matches_the_cli() -> None:
    from monitor.cli import cli

    documented, actual = _readme_commands(), _cli_commands(cli)
    assert documented - actual == set(), "in README.md but not a command"
    assert actual - documented == set(), "a command missing from README.md's table"


# --- The web app: routes parse, call a use case, render ----------------------------------------

_STORAGE_IMPORT = re.compile(r"^from\s+storage(?:\.\w+)*\s+import\s+\(?([^)]*?)\)?$",
                             re.MULTILINE | re.DOTALL)


def test_the_web_app_writes_nothing_itself() -> None:
    """The use cases in monitor/services are the only writers: they check the policy and
    append their audit entry in the same transaction."""
    writer = re.compile(r"\bappend_audit\b|\.session\(\)")
    offenders = [str(p.relative_to(REPO)) for p in _python_files("monitor/web")
                 if writer.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"write through a use case in monitor/services instead: {offenders}"


def test_web_routes_take_only_types_and_constants_from_storage() -> None:
    """No query function from storage in a route: each reads through a use case."""
    offenders = []
    for path in _python_files("monitor/web"):
        for names in _STORAGE_IMPORT.findall(path.read_text(encoding="utf-8")):
            for name in re.split(r"[,\s]+", names.strip()):
                if name and not (name.isupper() or name[0].isupper()):
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert not offenders, f"call a use case in monitor/services instead: {offenders}"
