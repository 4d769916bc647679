"""Meta-tests: the public surface is pinned and every adapter type has tests."""

from __future__ import annotations

from pathlib import Path

import scrapers
from scrapers import ADAPTERS, BUILTIN, get_adapter

TESTS = Path(__file__).parent
COVERED_BY = {"rss": "feeds", "jsonl": "files", "csv": "files"}


def test_public_names() -> None:
    assert set(scrapers.__all__) == {
        "SourceConfig",
        "FetchResult",
        "Snapshot",
        "ScrapedPost",
        "SourceAdapter",
        "ADAPTERS",
        "BUILTIN",
        "get_adapter",
        "ClientSettings",
        "PoliteClient",
        "ScraperError",
        "InvalidSource",
        "FetchError",
        "RateLimited",
        "ParseError",
    }
    assert issubclass(scrapers.RateLimited, scrapers.FetchError)
    for name in ("InvalidSource", "FetchError", "ParseError"):
        assert issubclass(getattr(scrapers, name), scrapers.ScraperError)


def test_registry_is_built_from_builtin() -> None:
    assert set(ADAPTERS) == {
        "rss",
        "telegram",
        "mastodon",
        "bluesky",
        "html",
        "jsonl",
        "csv",
        "url",
    }
    assert list(ADAPTERS.values()) == list(BUILTIN)
    assert get_adapter("rss").type == "rss"


def test_every_adapter_has_the_module_layout_and_tests() -> None:
    package = Path(scrapers.__file__).parent
    for kind in ADAPTERS:
        for part in ("__init__", "source", "parse", "constants"):
            assert (package / kind / f"{part}.py").is_file(), f"{kind}/{part}.py"
        assert (TESTS / f"test_scr_{COVERED_BY.get(kind, kind)}.py").is_file(), kind


def test_modules_stay_small() -> None:
    package = Path(scrapers.__file__).parent
    for path in package.rglob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path


def test_scrapers_do_not_import_monitor() -> None:
    package = Path(scrapers.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text()
        assert "import monitor" not in text and "from monitor" not in text, path
