"""Main-text extraction of the `url` source on every captured page: trafilatura (after) beside
the earlier container heuristic (before), both printed as characters extracted; the expected
snippet of each page's main text must be in the new text."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from scrape_helpers import expected_cases

from scrapers.bounded import parse_html
from scrapers.text import decode_body
from scrapers.url.parse import extracted_text, main_text, parse_page

CASES = expected_cases("html")


def _squashed(text: str) -> str:
    return " ".join(text.split())


def test_extraction_before_and_after_on_every_page(
    fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = []
    for name, spec in CASES:
        markup = decode_body((fixtures_dir / "html" / name).read_bytes(), {})
        before = main_text(BeautifulSoup(markup, "lxml"))
        after = extracted_text(parse_html(markup))
        record = parse_page(markup, f"https://example.org/{name}", f"https://example.org/{name}")
        assert spec["body_contains"] in _squashed(record.text), name
        assert after and after in record.text, name  # the body is trafilatura's
        had = spec["body_contains"] in _squashed(before)
        rows.append((name, len(before), len(after), len(record.text), had))
    with capsys.disabled():
        print("\nmain text, characters: before = container heuristic, after = trafilatura")
        print(f"{'page':42} {'before':>7} {'after':>7} {'record':>7}  snippet in before")
        for name, old, new, total, had in rows:
            print(f"{name:42} {old:7} {new:7} {total:7}  {had}")
    assert len(rows) == len(CASES) > 0
