"""Text and author preparation never raise on hostile Unicode (issue 8), and stay bounded.

Every character for which `str.isdigit()` is true but `str.isdecimal()` is false (superscripts,
subscripts, circled digits, Ethiopic digits …) used to crash preparation through `int()`.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import Model
from classifier.features import MAX_CACHED_LEN, Prepared, TextPreparer
from classifier.marks import mark_text
from storage.records import Author, PostRecord

NON_DECIMAL_DIGITS = [chr(c) for c in range(sys.maxunicode + 1)
                      if chr(c).isdigit() and not chr(c).isdecimal()]
DECIMAL_DIGITS = ["0", "٣", "۷", "४", "৯", "๕", "៦", "０", "𝟘", "᠑"]
NUMERIC_ONLY = ["½", "Ⅻ", "〇", "万", "𐌢", "ↁ"]
COMBINING = ["\u0301", "\u0308", "\u0327", "\u20e3", "\u0e31", "\u094d"]
RTL = ["\u200f", "\u202e", "\u2067", "ب", "ש", "٣", "ﷺ"]
ZWJ_EMOJI = ["👩‍👩‍👧‍👦", "🏳️‍🌈", "👨🏽‍💻", "2️⃣", "#️⃣", "☝🏻", "✌️", "🇮🇩", "\U000e0067"]
CONTROL = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe"]
SURROGATES = ["\ud800", "\udfff", "\udc80"]
WORD_PARTS = ["PNS", "nomor", "02", "#Coblos", "@tim", "https://t.co/x", "sy", "NIP", "calon",
              " ", "\n", "_", ".", "2024", "ASN", "pejuang", "27", "Nov", "jari", "salam"]
SPECIAL = (NON_DECIMAL_DIGITS + DECIMAL_DIGITS + NUMERIC_ONLY + COMBINING + RTL + ZWJ_EMOJI
           + CONTROL + SURROGATES)

hostile_char = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(codec=None, exclude_categories=()),  # every code point, surrogates included
)
hostile_text = st.lists(st.one_of(hostile_char, st.sampled_from(WORD_PARTS)),
                        max_size=60).map("".join)

PREPARERS = [TextPreparer(), TextPreparer(cache_size=16, author_cache_size=4)]


def _marked() -> TextPreparer:
    from classifier.features import PrepSettings

    return TextPreparer(PrepSettings(marks=True), cache_size=16, author_cache_size=4)


ALL = PREPARERS + [_marked()]


def _check(prepared: Prepared) -> None:
    assert len(prepared.tokens) == len(prepared.spans)
    for token, (start, end) in zip(prepared.tokens, prepared.spans, strict=False):
        assert token and isinstance(token, str)
        assert 0 <= start < end <= len(prepared.source)
    assert isinstance(prepared.text, str) and isinstance(prepared.words, str)


@pytest.mark.parametrize("digit", NON_DECIMAL_DIGITS)
def test_every_non_decimal_digit_in_every_field(digit: str) -> None:
    for prep in ALL:
        for text in (digit, f"nomor {digit}", f"#Coblos{digit}", f"sy PNS {digit}{digit}",
                     f"{digit}2", f"a{digit}b", f"@{digit}"):
            _check(prep.prepare(text))
        _check(prep.prepare_author(f"pns_{digit}", f"Rahma {digit}", f"PPPK {digit} Dinas"))
        _check(prep.prepare_author(digit, digit, digit))


def test_there_are_128_such_digits() -> None:
    assert len(NON_DECIMAL_DIGITS) == 128


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_prepare_never_raises(text: str) -> None:
    for prep in ALL:
        _check(prep.prepare(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text, hostile_text, hostile_text)
def test_prepare_author_never_raises(handle: str, name: str, bio: str) -> None:
    for prep in ALL:
        prepared = prep.prepare_author(handle, name, bio)
        _check(prepared)
        assert prepared.source == f"{handle}\n{name}\n{bio}"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORD_PARTS + ["_asn_", "_camp_", "☝", "2", "dua"]), max_size=30))
def test_marks_keep_tokens_and_spans_aligned(tokens: list[str]) -> None:
    spans = [(i, i + 1) for i in range(len(tokens))]
    mark_text(tokens, spans, True)
    assert len(tokens) == len(spans)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SPECIAL + WORD_PARTS), st.integers(1, 10_000))
def test_long_tokens_are_prepared_and_not_cached(piece: str, n: int) -> None:
    prep = TextPreparer(cache_size=8)
    text = (piece * n)[:10_000]
    _check(prep.prepare(text))
    _check(prep.prepare_author(text, text, text))
    assert all(len(k) <= MAX_CACHED_LEN for k in list(prep._words) + list(prep._surface))


def test_one_megabyte_text() -> None:
    text = ("Sy PNS ³ ① ፩ coblos nomor 2 ✌️ #Kolaka02 " * 30_000)[:1_000_000]
    prep = TextPreparer()
    prepared = prep.prepare(text)
    _check(prepared)
    assert "_selfasn_" in prepared.tokens
    one_token = "a" * 1_000_000
    assert prep.prepare(one_token).tokens == ("a",)  # squeezed, not cached


def test_caches_are_bounded() -> None:
    prep = TextPreparer(cache_size=100, author_cache_size=10)
    for i in range(5_000):
        prep.prepare(f"kata{i} lain{i} #tag{i}")
        prep.prepare_author(f"h{i}", "n", "b")
    sizes = prep.cache_sizes()
    assert sizes["words"] <= 100 and sizes["surface"] <= 100 and sizes["authors"] <= 10


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text, hostile_text, hostile_text)
def test_model_scores_hostile_records(model: Model, text: str, name: str, bio: str) -> None:
    record = PostRecord("x", "1", text, author=Author(handle=name[:40], name=name, bio=bio))
    (prediction,) = model.predict([record])
    assert 0.0 <= prediction.score <= 1.0
    for term, weight in prediction.explanation:
        assert weight > 0 and any(term in f for f in (text, name[:40], name, bio))
