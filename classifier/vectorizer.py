"""A TfidfVectorizer whose transform gives the same matrix as scikit-learn's, faster.

scikit-learn counts n-grams one Python dict lookup at a time for every n-gram of every post:
for character n-grams that is ~350 lookups a post, ~70 % of the scoring time. Character
n-grams of `char_wb` never cross a word, so a post's counts are the sum of its words' counts,
and words repeat across posts (Zipf): each distinct word's column indices are computed once and
cached; a batch's counts are then one vectorised sort. Word n-grams (`token_pattern=\\S+`) are
looked up with one list comprehension a post.

Only `_count_vocab` with a fixed vocabulary (transform) is replaced, and only for the settings
this package uses (no preprocessing, no tokenizer, no stop words, `str` documents); everything
else, including fit, input checks, `binary`, TF-IDF weighting and normalisation, is
scikit-learn's own code. `tests/classifier/test_vectorizer.py` checks the matrices are equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import text as _sk_text
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["FastTfidfVectorizer", "as_fast", "as_sklearn"]

_align = getattr(_sk_text, "_align_api_if_sparse", lambda x: x)
# Distinct words kept per vectorizer; the cache is emptied when it grows past this.
WORD_CACHE_SIZE = 300_000
MAX_CACHED_WORD = 64


class FastTfidfVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """TfidfVectorizer with a cached, vectorised transform (same parameters, same output)."""

    def _fast_kind(self) -> str | None:
        if (self.lowercase or self.preprocessor is not None or self.strip_accents is not None
                or self.input != "content" or not isinstance(self.analyzer, str)):
            return None
        if self.analyzer == "char_wb":
            return "char_wb"
        if (self.analyzer == "word" and self.token_pattern == r"\S+" and self.tokenizer is None
                and self.stop_words is None):
            return "word"
        return None

    def _count_vocab(self, raw_documents: Iterable[Any], fixed_vocab: bool) -> Any:
        kind = self._fast_kind() if fixed_vocab else None
        if kind is None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        if not all(type(d) is str for d in docs):
            return super()._count_vocab(docs, fixed_vocab)
        per_doc = self._char_ids(docs) if kind == "char_wb" else self._word_ids(docs)
        return self.vocabulary_, self._count_matrix(per_doc, len(docs))

    # ---- column indices per document, duplicates included ---------------------------------
    def _char_ids(self, docs: list[str]) -> tuple[list[np.ndarray], list[int]]:
        cache: dict[str, np.ndarray] | None = getattr(self, "_word_cache", None)
        if cache is None or len(cache) > WORD_CACHE_SIZE:
            cache = {}
            self._word_cache = cache
        vocab, ngrams = self.vocabulary_, self._char_wb_ngrams
        parts: list[np.ndarray] = []
        lengths: list[int] = []
        for doc in docs:
            n = 0
            for word in doc.split():
                ids = cache.get(word)
                if ids is None:
                    ids = np.array([vocab[g] for g in ngrams(word) if g in vocab], dtype=np.int32)
                    if len(word) <= MAX_CACHED_WORD:  # a hostile 10,000-letter word stays out
                        cache[word] = ids
                parts.append(ids)
                n += len(ids)
            lengths.append(n)
        return parts, lengths

    def _word_ids(self, docs: list[str]) -> tuple[list[np.ndarray], list[int]]:
        vocab = self.vocabulary_
        min_n, max_n = self.ngram_range
        flat: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            tokens = doc.split()
            feats = tokens if min_n == 1 else []
            for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
                feats = feats + [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
            ids = [vocab[f] for f in feats if f in vocab]
            flat.extend(ids)
            lengths.append(len(ids))
        return [np.array(flat, dtype=np.int32)], lengths

    def _count_matrix(self, ids: tuple[list[np.ndarray], list[int]], n_docs: int) -> Any:
        """CSR counts, indices sorted within each row, as scikit-learn builds them."""
        parts, lengths = ids
        cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        index_dtype = np.int32 if indptr[-1] < np.iinfo(np.int32).max else np.int64
        matrix = sp.csr_array((np.ones(cols.size, dtype=self.dtype), cols.astype(index_dtype),
                               indptr.astype(index_dtype)),
                              shape=(n_docs, len(self.vocabulary_)), dtype=self.dtype)
        matrix.sum_duplicates()  # sorts each row's indices and adds up repeated n-grams
        return _align(matrix)


def as_fast(vec: TfidfVectorizer) -> FastTfidfVectorizer:
    """The same fitted vectorizer as a FastTfidfVectorizer (shares vocabulary and idf)."""
    if isinstance(vec, FastTfidfVectorizer):
        return vec
    fast = FastTfidfVectorizer(**vec.get_params())
    fast.__dict__.update({k: v for k, v in vec.__dict__.items() if k.endswith("_")
                          or k == "_tfidf"})
    return fast


def as_sklearn(vec: TfidfVectorizer) -> TfidfVectorizer:
    """The same fitted vectorizer as a plain scikit-learn TfidfVectorizer (the reference)."""
    plain = TfidfVectorizer(**vec.get_params())
    plain.__dict__.update({k: v for k, v in vec.__dict__.items() if k.endswith("_")
                           or k == "_tfidf"})
    return plain
