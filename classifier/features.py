"""Text preparation for Indonesian social-media posts.

Posts are split into *surface tokens* (words, hashtags, mentions, URLs, emoji) found in the
original string, and each surface token is normalised into zero or more model tokens
(lowercase, slang expanded, numbers bucketed, hashtags split, repeated letters squeezed).
Keeping the link between the two is what lets explanations point at words the post really
contains, so the review UI can highlight them.

All state (settings and caches) lives in a `TextPreparer`; every model owns one built from
its own settings, so an active model and a candidate with different settings can score in
one process. Caches are bounded in entries and never hold long tokens, so hostile input
(10,000-character tokens, megabyte posts) cannot grow them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import scipy.sparse as sp

from classifier.cues import INSTITUTIONS, NEEDS_STATUS, STATUS_WORDS, cue_tag, office_tag
from classifier.marks import mark_text
from classifier.slang import SLANG

__all__ = [
    "AUTHOR_CUES",
    "TEXT_CUES",
    "PrepSettings",
    "Prepared",
    "TextPreparer",
    "cue_matrix",
    "default_preparer",
    "normalise_word",
    "prepare",
    "prepare_author",
]

# Binary cue indicators (not TF-IDF: a cue in a long post must count as much as in a short one).
TEXT_CUES = ("_selfasn_", "_asn_", "_nonasn_", "_camp_")
AUTHOR_CUES = ("_asn_", "_nonasn_")
# Tokens longer than this are prepared but never cached (a hostile post cannot fill memory).
MAX_CACHED_LEN = 64

_EMOJI = (
    "[\U0001F000-\U0001F3FA\U0001F400-\U0001FAFF\u2600-\u27BF\u2300-\u23FF\u2B00-\u2BFF"
    "\u3030\u303D\u3297\u3299]"
)
_TOKEN_RE = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<mention>@[\w.]+)"
    r"|(?P<hashtag>#[^\W_]\w*)"
    rf"|(?P<emoji>{_EMOJI}(?:\uFE0F|\u200D|[\U0001F3FB-\U0001F3FF])*)"
    r"|(?P<word>[^\W_]+)",
    re.UNICODE,
)
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")
_ALNUM_SPLIT_RE = re.compile(r"\d+|[^\W\d_]+")
_REPEAT_RE = re.compile(r"(\w)\1{2,}")
_REDUP_RE = re.compile(r"^([^\W\d_]{2,})2$")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Model tokens of one text, and for each the (start, end) of its surface token."""

    source: str
    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def words(self) -> str:
        """Only the words (no tags, placeholders or whole hashtags): input of character n-grams."""
        return " ".join(t for t in self.tokens if t[:1] not in ("_", "#"))


@dataclass(frozen=True, slots=True)
class PrepSettings:
    """What a model's text preparation does; stored in the model's state as a plain dict."""

    stem: bool = False
    marks: bool = False  # campaign/status marks of classifier/marks.py (pair numbers, hand signs…)
    negation: bool = False  # `_negcamp_`: a campaign word after a negator ("tdk ikut kampanye")
    kin: bool = False  # `_notasn_` also after a relative ("bapak sy PNS", "mertua sy guru PNS")
    contest: bool = False  # `_contest_`, not `_pairnum_`, for "nomor 1" in a match or an exam
    caps: bool = False  # `_caps_` after an all-capitals word of the text that is in no cue list
    selfref: bool = False  # `_selfasn_` also from working-life words and "ASN juga manusia"
    contest_post: bool = False  # `_contest_` for every number of a contest post without election words
    caps_words: bool = False  # `_caps_` only for pronounceable words (SEJATI), not acronyms (PPDB)
    daily_numbers: bool = False  # queue/room/quiz numbers are `_contest_`; "nomor 47" no pair number
    office_words: bool = False  # `_asn_` for offices beyond the guide's list and glued handles
    explicit_status: bool = False  # a teacher/health worker's school or hospital is `_unsure_`

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> PrepSettings:
        prep = state.get("prep") or {}
        return cls(stem=bool(prep.get("stem", state.get("stem", False))),
                   marks=bool(prep.get("marks", False)),
                   negation=bool(prep.get("negation", False)),
                   kin=bool(prep.get("kin", False)),
                   contest=bool(prep.get("contest", False)),
                   caps=bool(prep.get("caps", False)),
                   selfref=bool(prep.get("selfref", False)),
                   contest_post=bool(prep.get("contest_post", False)),
                   caps_words=bool(prep.get("caps_words", False)),
                   daily_numbers=bool(prep.get("daily_numbers", False)),
                   office_words=bool(prep.get("office_words", False)),
                   explicit_status=bool(prep.get("explicit_status", False)))

    def as_dict(self) -> dict[str, bool]:
        out = {"stem": self.stem, "marks": self.marks, "negation": self.negation}
        # only when on: older states prepare as they were trained
        for key in ("kin", "contest", "caps", "selfref", "contest_post", "caps_words",
                    "daily_numbers", "office_words", "explicit_status"):
            if getattr(self, key):
                out[key] = True
        return out


_VOWELS = frozenset("AEIOU")


def pronounceable(word: str) -> bool:
    """A capitals word read as a word (SEJATI, BERKAH, TULUS), not spelt as an acronym (PPDB,
    RKPD, UTBK, NUPTK): a third of its letters vowels and no three consonants in a row."""
    run = vowels = 0
    for ch in word:
        if ch in _VOWELS:
            vowels, run = vowels + 1, 0
        else:
            run += 1
            if run >= 3:
                return False
    return 3 * vowels >= len(word)


def _digits(text: str) -> str:
    """Decimal digits of any script as ASCII (`٠٢` → `02`); the caller checks isdecimal()."""
    return "".join(str(unicodedata.decimal(c)) for c in text)


def _number(digits: str) -> str:
    """Pair numbers (01, 2) matter; long numbers only by their shape (NIP, phone, year)."""
    if len(digits) <= 2:
        return str(int(_digits(digits)))
    if len(digits) == 4 and _digits(digits)[:2] in ("19", "20"):
        return "_year_"
    return "_longnum_" if len(digits) >= 15 else "_num_"


def _bounded_put(cache: dict[str, Any], key: str, value: Any, limit: int,
                 max_len: int = MAX_CACHED_LEN) -> None:
    """Insert, first dropping the oldest half when full (dicts keep insertion order)."""
    if len(key) > max_len:
        return
    if len(cache) >= limit:
        for old in list(islice(cache, max(limit // 2, 1))):
            del cache[old]
    cache[key] = value


class TextPreparer:
    """Text and author preparation with one model's settings and its own bounded caches."""

    def __init__(self, settings: PrepSettings | None = None, *, cache_size: int = 100_000,
                 author_cache_size: int = 20_000, surface_cache_size: int = 20_000) -> None:
        self.settings = settings or PrepSettings()
        self.cache_size, self.author_cache_size = cache_size, author_cache_size
        # The surface cache sits in front of the word cache and sees every distinct token of
        # the stream — hashtags, mentions, numbers, typos — so it is kept smaller: a miss costs
        # one word-cache lookup, while at 100,000 entries it held ~80 MB of a `pantau run`
        # under sustained load (bench/soak_bench.py).
        self.surface_cache_size = min(surface_cache_size, cache_size)
        self._words: dict[str, tuple[str, ...]] = {}
        self._surface: dict[str, tuple[str, ...]] = {}
        self._authors: dict[str, Prepared] = {}
        self._stem: Callable[[str], str] | None = None
        if self.settings.stem:
            from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-not-found,unused-ignore]

            self._stem = StemmerFactory().create_stemmer().stem

    def cache_sizes(self) -> dict[str, int]:
        return {"words": len(self._words), "surface": len(self._surface),
                "authors": len(self._authors)}

    # ---- words ----------------------------------------------------------------------------
    def normalise_word(self, word: str) -> tuple[str, ...]:
        """One surface word → model tokens: `sdh`→`sudah`, `teman2`→`teman`, `02`→`2`."""
        hit = self._words.get(word)
        if hit is None:
            hit = self._normalise(word)
            _bounded_put(self._words, word, hit, self.cache_size)
        return hit

    def _normalise(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        if lower in SLANG:
            return SLANG[lower]
        if lower.isdecimal():  # not isdigit(): `³`, `①`, `፩` are digits int() refuses
            return (_number(lower),)
        redup = _REDUP_RE.match(lower)
        if redup:
            return self.normalise_word(redup.group(1))
        parts = _ALNUM_SPLIT_RE.findall(lower)
        if len(parts) > 1:
            return tuple(t for p in parts for t in self.normalise_word(p))
        squeezed = _REPEAT_RE.sub(r"\1", lower)
        if squeezed in SLANG:
            return SLANG[squeezed]
        if self._stem is not None and len(squeezed) > 3:
            squeezed = self._stem(squeezed) or squeezed
        return (squeezed,)

    def split_compound(self, body: str) -> tuple[str, ...]:
        """`Coblos02Aja` → coblos 2 aja; an all-lowercase tag stays whole (no dictionary split)."""
        return tuple(t for part in _CAMEL_RE.findall(body) for t in self.normalise_word(part))

    def _surface_tokens(self, kind: str, value: str) -> tuple[str, ...]:
        """Model tokens of one surface token, each cue word preceded by its guide-list tag."""
        if kind == "word":
            produced: tuple[str, ...] = self.normalise_word(value)
        elif kind == "hashtag":
            produced = ("#" + value[1:].lower(), *self.split_compound(value[1:]))
        elif kind == "emoji":
            produced = (value.replace("\uFE0F", "").replace("\u200D", "")[:1],)
        else:
            produced = ("_mention_",)
        out: list[str] = []
        more = self.settings.office_words
        for token in produced:
            tag = cue_tag(token) or (office_tag(token) if more else None)
            if tag:
                out.append(tag)
            out.append(token)
        return tuple(out)

    # ---- texts ----------------------------------------------------------------------------
    def _tokens(self, text: str, caps: bool = False) -> tuple[list[str], list[tuple[int, int]]]:
        tokens: list[str] = []
        spans: list[tuple[int, int]] = []
        cache, limit = self._surface, self.surface_cache_size
        for match in _TOKEN_RE.finditer(text):
            kind, value = match.lastgroup or "word", match.group()
            if kind == "url":
                produced: tuple[str, ...] = ("_url_",)
            else:
                hit = cache.get(value)  # the value alone decides its kind (URLs aside)
                if hit is None:
                    hit = self._surface_tokens(kind, value)
                    _bounded_put(cache, value, hit, limit)
                produced = hit
                # candidates' jargon is written in capitals ("SEJATI 3", "Buton SEGAR"): one
                # shared token for the unseen ones; acronyms in the cue lists are tagged already
                if (caps and kind == "word" and len(value) > 3 and value.isupper()
                        and value.isalpha() and produced[0][0] != "_"
                        and (not self.settings.caps_words or pronounceable(value))):
                    produced = (*produced, "_caps_")
            tokens.extend(produced)
            spans.extend([match.span()] * len(produced))
        return tokens, spans

    def prepare(self, text: str) -> Prepared:
        """Tokenise and normalise one post text; spans index into `text`."""
        tokens, spans = self._tokens(text, self.settings.caps)
        mark_text(tokens, spans, self.settings.marks, self.settings.negation,
                  self.settings.kin, self.settings.contest, self.settings.selfref,
                  self.settings.contest_post, self.settings.daily_numbers)
        return Prepared(text, tuple(tokens), tuple(spans))

    def prepare_author(self, handle: str, name: str, bio: str) -> Prepared:
        """Author fields as one text; the handle is split on `_`, `.`, digits and camelCase.

        Cached: the same accounts post again and again in a monitored stream.
        """
        source = f"{handle}\n{name}\n{bio}"
        hit = self._authors.get(source)
        if hit is None:
            hit = self._prepare_author(source, len(handle))
            _bounded_put(self._authors, source, hit, self.author_cache_size, 16 * MAX_CACHED_LEN)
        return hit

    def _prepare_author(self, source: str, handle_len: int) -> Prepared:
        marks = self.settings.marks
        if marks:  # marks see the split handle
            raw_tokens, raw_spans = self._tokens(source)
        else:  # settings-1 order, kept so that older models score as they were trained
            first = self.prepare(source)
            raw_tokens, raw_spans = list(first.tokens), list(first.spans)
        tokens: list[str] = []
        spans: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        more = self.settings.office_words
        for token, span in zip(raw_tokens, raw_spans, strict=False):
            if span[1] > handle_len:
                tokens.append(token)
                spans.append(span)
            elif span not in seen:
                seen.add(span)
                whole = source[span[0]:span[1]]
                parts = self.split_compound(whole) or (token,)
                if more:  # "p3k" is one word (pppk), not p, 3, k
                    joined = self.normalise_word(whole)
                    if len(parts) > 1 and any(cue_tag(t) for t in joined):
                        parts = joined
                for part in parts:
                    tag = cue_tag(part) or (office_tag(part, handle=True) if more else None)
                    if tag:
                        tokens.append(tag)
                        spans.append(span)
                    tokens.append(part)
                    spans.append(span)
        if self.settings.explicit_status:
            _unsure_status(tokens)
        if marks:
            mark_text(tokens, spans, True, self.settings.negation, self.settings.kin,
                      self.settings.contest)  # a bio speaks of its author anyway
        return Prepared(source, tuple(tokens), tuple(spans))


def _unsure_status(tokens: list[str]) -> None:
    """In place: `_asn_` before a school or hospital word becomes `_unsure_` for an author
    whose fields name a teacher or health worker and no status or structural post."""
    present = set(tokens)
    if NEEDS_STATUS.isdisjoint(present) or not STATUS_WORDS.isdisjoint(present):
        return
    for i in range(len(tokens) - 1):
        if tokens[i] == "_asn_" and tokens[i + 1] in INSTITUTIONS:
            tokens[i] = "_unsure_"


_DEFAULT = TextPreparer()


def default_preparer() -> TextPreparer:
    """The preparer with default settings (for callers outside a model, e.g. tests)."""
    return _DEFAULT


def prepare(text: str) -> Prepared:
    """`prepare` with the default settings."""
    return _DEFAULT.prepare(text)


def prepare_author(handle: str, name: str, bio: str) -> Prepared:
    """`prepare_author` with the default settings."""
    return _DEFAULT.prepare_author(handle, name, bio)


def normalise_word(word: str) -> tuple[str, ...]:
    """`normalise_word` with the default settings."""
    return _DEFAULT.normalise_word(word)


def cue_matrix(prepared: list[Prepared], cues: tuple[str, ...], value: float = 1.0) -> sp.csr_matrix:
    """One row per text, one column per cue tag: `value` when present, else 0."""
    dense = value * np.array([[tag in p.tokens for tag in cues] for p in prepared],
                             dtype=np.float32)
    return sp.csr_matrix(dense.reshape(len(prepared), len(cues)))
