"""FastTfidfVectorizer gives exactly scikit-learn's TF-IDF matrix."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier import Model
from classifier.model import prepare_records
from classifier.vectorizer import FastTfidfVectorizer, as_fast

ODD = ["", "   ", "a", "ab", "x  y\tz\n\nw", "kampanye kampanye kampanye", "é 🙂 #tag _url_ 02",
       "coblos\u00a0nomor 2", "satu dua tiga empat lima enam", "\u3000spasi\u2003lebar "]


def _same(fast: FastTfidfVectorizer, docs: list[str]) -> None:
    got = fast.transform(docs)
    want = _reference(fast, docs)
    assert got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)  # bit-identical, not just close
    assert got.dtype == want.dtype


def _reference(fast: FastTfidfVectorizer, docs: list[str]):
    plain = TfidfVectorizer(**fast.get_params())
    plain.vocabulary_, plain.idf_ = fast.vocabulary_, fast.idf_
    return plain.transform(docs)


@pytest.mark.parametrize("key", ["text_word", "text_char", "author_word", "author_char"])
def test_same_matrix_as_scikit_learn(model: Model, seed_records, key: str) -> None:
    vec = model.state[key]
    assert isinstance(vec, FastTfidfVectorizer)
    texts, authors = prepare_records(seed_records[:600])
    source = texts if key.startswith("text") else authors
    docs = [p.words if key == "text_char" else p.text for p in source]
    raw = [r.text for r in seed_records[:600]]  # what the bench feeds: raw strings
    for batch in (docs, raw, ODD, docs[:1]):
        _same(vec, batch)
    _same(vec, docs)  # again, from the word cache


def test_other_settings_fall_back(model: Model) -> None:
    fast = FastTfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(["abc def", "de fg"])
    assert fast._fast_kind() is None
    assert np.array_equal(fast.transform(["abc"]).toarray(),
                          TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(
                              ["abc def", "de fg"]).transform(["abc"]).toarray())
    plain = TfidfVectorizer(**model.state["text_char"].get_params())
    plain.vocabulary_, plain.idf_ = model.state["text_char"].vocabulary_, model.state["text_char"].idf_
    assert np.array_equal(as_fast(plain).transform(ODD).toarray(), plain.transform(ODD).toarray())
