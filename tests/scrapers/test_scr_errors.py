"""The scrapers' errors (scrapers.errors) are raised with an English template marked N_ and its
values: `str(error)` is the English text (logs, `sources.last_error`), and every template is a
message id of the cli catalog with an Indonesian translation, so a failed source's error can be
shown in the reader's language."""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

import scrapers
from scrapers.errors import (
    N_,
    FetchError,
    InvalidSource,
    ParseError,
    RateLimited,
    ScraperError,
    error_reason,
)
from storage.errors import Message

PACKAGE = Path(scrapers.__file__).parent
LOCALE = PACKAGE.parent / "monitor" / "locale"
ERRORS = {"ScraperError", "InvalidSource", "FetchError", "RateLimited", "ParseError"}


@cache
def _catalog(language: str) -> dict[str, str]:
    with (LOCALE / language / "LC_MESSAGES" / "cli.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.id}


def _is_marked(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "N_" and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))


def _constructions() -> list[tuple[str, int, ast.Call]]:
    """Every call of an error class of scrapers.errors in the package's code."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ERRORS:
                found.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return found


def _templates() -> set[str]:
    """Every text the package marks with N_: its errors' templates and the values that are
    messages themselves (a rate limit's reason)."""
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.expr) and _is_marked(node):
                assert isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant)
                found.add(node.args[0].value)
    return found


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_scraper_error_is_raised_with_a_template_marked_for_extraction() -> None:
    constructions = _constructions()
    assert len(constructions) >= 40  # about 44 raise sites (the docstring's tree, all of it)
    unmarked = [(path, line) for path, line, call in constructions
                if not call.args or not _is_marked(call.args[0])]
    assert not unmarked, f"raise these with N_(template) and named values: {unmarked}"


@pytest.mark.parametrize("template", sorted(_templates()))
def test_every_template_has_an_indonesian_translation_with_the_same_values(
        template: str) -> None:
    indonesian = _catalog("id")
    assert template in indonesian, "run `make messages` and translate it in monitor/locale/id"
    translation = indonesian[template]
    assert translation and translation != template
    assert _fields(translation) == _fields(template)
    assert template in _catalog("en")


def test_str_is_the_english_text_and_the_attributes_are_kept() -> None:
    error = FetchError(N_("{url}: HTTP {status}"), url="https://x.test/a", status=503)
    assert str(error) == "https://x.test/a: HTTP 503" == error.message
    assert (error.url, error.status) == ("https://x.test/a", 503)
    assert error.template == "{url}: HTTP {status}"
    assert error.params == {"url": "https://x.test/a", "status": 503}
    assert isinstance(error, ScraperError) and error_reason(error) == str(error)


def test_a_rate_limit_keeps_its_retry_after_and_translates_its_reason() -> None:
    why = Message(N_("after {tries} tries"), tries=3)
    error = RateLimited(N_("{url}: HTTP {status} ({why})"), url="https://x.test/a", why=why,
                        retry_after=30.0, requested=90.0)
    assert str(error) == "https://x.test/a: HTTP 429 (after 3 tries)"
    assert (error.status, error.retry_after, error.requested) == (429, 30.0, 90.0)
    catalog = _catalog("id")
    assert error.translated(lambda m: catalog.get(m) or m) == (
        "https://x.test/a: respons HTTP 429 (setelah 3 kali percobaan)")
    assert RateLimited("plain", retry_after=5.0).requested == 5.0


def test_a_text_that_is_no_template_is_kept_as_it_is() -> None:
    error = ParseError("a {broken} text")  # as a test or an old caller raises it
    assert str(error) == "a {broken} text" and error.translated(str.upper) == "A {BROKEN} TEXT"
    odd = FetchError("{url} and {missing}", url="https://x.test/a")  # values that do not fit
    assert str(odd) == "{url} and {missing}" and odd.url == "https://x.test/a"
    assert str(InvalidSource("bad option")) == "bad option"


@given(url=st.text(max_size=60), status=st.integers(100, 599), tries=st.integers(1, 20))
def test_the_english_text_and_its_translation_carry_the_values_verbatim(
        url: str, status: int, tries: int) -> None:
    error = FetchError(N_("{url}: HTTP {status} (after {tries} tries)"), url=url, status=status,
                       tries=tries)
    assert str(error) == f"{url}: HTTP {status} (after {tries} tries)"
    catalog = _catalog("id")
    assert error.translated(lambda m: catalog.get(m) or m) == (
        f"{url}: respons HTTP {status} (setelah {tries} kali percobaan)")


def test_every_error_kind_is_said_as_a_label_the_indonesian_catalog_translates() -> None:
    """A failed run's text begins with its error's class name (`FetchError: …`, kept for
    scripts); readers read a label instead, in Indonesian by default."""
    from storage.errors import ERROR_KINDS, error_kind

    assert set(ERROR_KINDS) == ERRORS
    catalog = _catalog("id")
    assert all(catalog.get(label) for label in ERROR_KINDS.values())
    assert error_kind("FetchError").translated(lambda m: catalog.get(m) or m) == "Gagal mengambil"
    assert error_kind("InvalidSource").translated(lambda m: catalog.get(m) or m) == (
        "Sumber tidak valid")


def test_an_items_error_is_a_message_its_reason_cut_to_fit() -> None:
    """One item's failure keeps its template and values; a long reason (no error of ours) is
    cut so that the whole stays within 300 characters and still a Message."""
    from scrapers.errors import item_error

    catalog = _catalog("id")
    ours = item_error(N_("item #{number}: {reason}"), 3, ParseError(N_("post without an at:// uri")))
    assert isinstance(ours, Message) and ours == "item #3: post without an at:// uri"
    assert ours.translated(lambda m: catalog.get(m) or m) == "butir #3: unggahan tanpa URI at://"
    long = item_error(N_("item #{number}: {reason}"), 4, ValueError("x" * 1000))
    assert isinstance(long, Message) and len(long) == 300
    assert long.startswith("item #4: ValueError: xxx")
    assert long.translated(lambda m: catalog.get(m) or m).startswith("butir #4: ValueError: xxx")


def test_every_exception_kind_and_system_reason_is_translated_in_indonesian() -> None:
    """The labels any exception's kind is said by, and the short reasons for the system's
    words (a file's errno, a name lookup's code), each have an Indonesian translation."""
    from storage import errors

    catalog = _catalog("id")
    labels = {*errors._EXCEPTION_KINDS.values(), errors.UNEXPECTED,
              *errors._OS_REASONS.values(), *errors._DNS_REASONS.values()}
    assert len(labels) >= 30
    assert not sorted(label for label in labels if not catalog.get(label))
