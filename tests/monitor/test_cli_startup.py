"""Start-up contract: `pantau --help` / `--version` (and every group's --help) load neither the
database layer nor the classifier — they are imported when a command that needs them runs —
and `pantau stats` reports the active model version from its pointer, without loading it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def loaded_after(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), json.dumps(list(args))],
        capture_output=True, text=True, timeout=120, check=True)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("review", "--help"),
                                  ("posts", "list", "--help"), ("models", "--help"),
                                  ("export", "--help"), ("users", "--help")])
def test_help_and_version_load_neither_sqlalchemy_nor_the_classifier(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) == []


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
