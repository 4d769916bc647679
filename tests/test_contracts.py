"""Meta-tests: documentation and registries stay in step with the code."""

from pathlib import Path

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
