"""The page step every adapter shares (scrapers.paging): a parser that fails in any way is the
page's ParseError, its own words kept as the English text, its kind said to readers as a
label in their language."""

from __future__ import annotations

import pytest

from monitor.i18n import gettext_for
from scrapers.base import Snapshot
from scrapers.errors import ParseError
from scrapers.paging import run_parser


def _snapshot() -> Snapshot:
    return Snapshot.build("http://x.test/", 200, {"content-type": "application/json"}, b"{}")


def _failing(exc: BaseException):  # type: ignore[no-untyped-def]
    def parse(snapshot: Snapshot) -> None:
        raise exc

    return parse


@pytest.mark.parametrize(("exc", "english", "indonesian", "said_in_english"), [
    (ValueError("bad charset"), "unreadable response (ValueError: bad charset)",
     "respons tidak terbaca (Nilai tidak valid: bad charset)",
     "unreadable response (Invalid value: bad charset)"),
    (KeyError("items"), "unreadable response (KeyError: 'items')",
     "respons tidak terbaca (Bidang data tidak ada: 'items')",
     "unreadable response (Missing field: 'items')"),
    (RuntimeError("parser bug"), "unreadable response (RuntimeError: parser bug)",
     "respons tidak terbaca (Kesalahan tak terduga: parser bug)",
     "unreadable response (Unexpected error: parser bug)"),
], ids=["ValueError", "KeyError", "any other"])
def test_a_parser_that_crashes_is_said_by_its_kinds_label_the_class_name_kept_in_english(
        exc: BaseException, english: str, indonesian: str, said_in_english: str) -> None:
    with pytest.raises(ParseError) as raised:
        run_parser(_failing(exc), _snapshot())
    assert str(raised.value) == english  # stored and logged as ever
    assert raised.value.translated(gettext_for("id")) == indonesian
    assert raised.value.translated(gettext_for("en")) == said_in_english


def test_a_parsers_long_words_are_cut_so_that_the_text_stays_within_500_characters() -> None:
    with pytest.raises(ParseError) as raised:
        run_parser(_failing(ValueError("x" * 2000)), _snapshot())
    assert len(str(raised.value)) == 500
    assert str(raised.value).startswith("unreadable response (ValueError: xxx")
    assert raised.value.translated(gettext_for("id")).startswith(
        "respons tidak terbaca (Nilai tidak valid: xxx")
