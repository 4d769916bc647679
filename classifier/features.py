"""Text preparation for Indonesian social-media posts.

Posts are split into *surface tokens* (words, hashtags, mentions, URLs, emoji) found in the
original string, and each surface token is normalised into zero or more model tokens
(lowercase, slang expanded, numbers bucketed, hashtags split, repeated letters squeezed).
Keeping the link between the two is what lets explanations point at words the post really
contains, so the review UI can highlight them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from classifier.cues import FIRST_PERSON, SELF_ONLY, SELF_WINDOW, cue_tag
from classifier.slang import SLANG

__all__ = [
    "Prepared", "prepare", "prepare_author", "normalise_word", "set_stemming", "cue_matrix",
    "TEXT_CUES", "AUTHOR_CUES",
]

# Binary cue indicators (not TF-IDF: a cue in a long post must count as much as in a short one).
TEXT_CUES = ("_selfasn_", "_asn_", "_nonasn_", "_camp_")
AUTHOR_CUES = ("_asn_", "_nonasn_")

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
_STEMMER: object | None = None


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
        return " ".join(t for t in self.tokens if t[0] not in "_#")


def set_stemming(enabled: bool) -> None:
    """Turn Sastrawi stemming on or off (measured off by default: see docs/classifier.md)."""
    global _STEMMER
    if enabled == (_STEMMER is not None):
        return
    if enabled:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # optional dependency

        _STEMMER = StemmerFactory().create_stemmer()
    else:
        _STEMMER = None
    normalise_word.cache_clear()
    _split_compound.cache_clear()
    _surface_tokens.cache_clear()
    prepare_author.cache_clear()


def _number(digits: str) -> str:
    """Pair numbers (01, 2) matter; long numbers only by their shape (NIP, phone, year)."""
    if len(digits) <= 2:
        return str(int(digits))
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return "_year_"
    return "_longnum_" if len(digits) >= 15 else "_num_"


@lru_cache(maxsize=200_000)
def normalise_word(word: str) -> tuple[str, ...]:
    """One surface word → model tokens: `sdh`→`sudah`, `teman2`→`teman`, `02`→`2`, `P3K`→`pppk`."""
    lower = word.lower()
    if lower in SLANG:
        return SLANG[lower]
    if lower.isdigit():
        return (_number(lower),)
    redup = _REDUP_RE.match(lower)
    if redup:
        return normalise_word(redup.group(1))
    parts = _ALNUM_SPLIT_RE.findall(lower)
    if len(parts) > 1:
        return tuple(t for p in parts for t in normalise_word(p))
    squeezed = _REPEAT_RE.sub(r"\1", lower)
    if squeezed in SLANG:
        return SLANG[squeezed]
    if _STEMMER is not None and len(squeezed) > 3:
        squeezed = _STEMMER.stem(squeezed) or squeezed  # type: ignore[attr-defined]
    return (squeezed,)


@lru_cache(maxsize=50_000)
def _split_compound(body: str) -> tuple[str, ...]:
    """`Coblos02Aja` → coblos 2 aja; an all-lowercase tag stays whole (no dictionary split)."""
    return tuple(t for part in _CAMEL_RE.findall(body) for t in normalise_word(part))


@lru_cache(maxsize=200_000)
def _surface_tokens(kind: str, value: str) -> tuple[str, ...]:
    """Model tokens of one surface token, each cue word preceded by its guide-list tag."""
    if kind == "word":
        produced: tuple[str, ...] = normalise_word(value)
    elif kind == "hashtag":
        produced = ("#" + value[1:].lower(), *_split_compound(value[1:]))
    elif kind == "emoji":
        produced = (value.replace("\uFE0F", "").replace("\u200D", "")[:1],)
    else:
        produced = ("_mention_",) if kind == "mention" else ("_url_",)
    out: list[str] = []
    for token in produced:
        tag = cue_tag(token)
        if tag:
            out.append(tag)
        out.append(token)
    return tuple(out)


def prepare(text: str) -> Prepared:
    """Tokenise and normalise one post text; spans index into `text`."""
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        produced = _surface_tokens(kind, match.group()) if kind != "url" else ("_url_",)
        tokens.extend(produced)
        spans.extend([match.span()] * len(produced))
    _tag_self_reference(tokens, spans)
    return Prepared(text, tuple(tokens), tuple(spans))


def _tag_self_reference(tokens: list[str], spans: list[tuple[int, int]]) -> None:
    """Append `_selfasn_` (spanning the cue word) when the author speaks of being an ASN."""
    if "_asn_" not in tokens:
        return
    words = [(t, s) for t, s in zip(tokens, spans) if not t.startswith("_")]
    for i, (token, span) in enumerate(words):
        if cue_tag(token) != "_asn_":
            continue
        window = words[max(0, i - SELF_WINDOW):i + SELF_WINDOW + 1]
        if token in SELF_ONLY or any(w in FIRST_PERSON for w, _ in window):
            tokens.append("_selfasn_")
            spans.append(span)


@lru_cache(maxsize=20_000)
def prepare_author(handle: str, name: str, bio: str) -> Prepared:
    """Author fields as one text; the handle is split on `_`, `.`, digits and camelCase.

    Cached: the same accounts post again and again in a monitored stream.
    """
    source = f"{handle}\n{name}\n{bio}"
    prepared = prepare(source)
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for token, span in zip(prepared.tokens, prepared.spans):
        if span[1] > len(handle):
            tokens.append(token)
            spans.append(span)
        elif span not in seen:
            seen.add(span)
            for part in _split_compound(source[span[0]:span[1]]) or (token,):
                tag = cue_tag(part)
                if tag:
                    tokens.append(tag)
                    spans.append(span)
                tokens.append(part)
                spans.append(span)
    return Prepared(source, tuple(tokens), tuple(spans))


def cue_matrix(prepared: list[Prepared], cues: tuple[str, ...], value: float = 1.0) -> sp.csr_matrix:
    """One row per text, one column per cue tag: `value` when present, else 0."""
    dense = value * np.array([[tag in p.tokens for tag in cues] for p in prepared],
                             dtype=np.float32)
    return sp.csr_matrix(dense.reshape(len(prepared), len(cues)))
