"""Packing the fitted state into plain arrays and back, for a small, fast, safe artifact.

A fitted TfidfVectorizer keeps its vocabulary as a dict, which skops writes node by node
(tens of MB of JSON, seconds to load). Stored as its parameters, a term array and an idf
array instead, the artifact holds only builtins and numpy arrays, and rebuilding is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.vectorizer import FastTfidfVectorizer

__all__ = ["pack_state", "unpack_state"]

_PARAMS = ("analyzer", "ngram_range", "token_pattern", "lowercase", "sublinear_tf", "min_df",
           "max_df", "norm", "use_idf", "smooth_idf", "binary", "strip_accents")


def _pack_vectorizer(vec: TfidfVectorizer) -> dict[str, Any]:
    terms = "\n".join(vec.get_feature_names_out().tolist())  # terms never hold a newline
    params = {k: getattr(vec, k) for k in _PARAMS}
    params["ngram_range"] = list(params["ngram_range"])
    return {"kind": "tfidf", "params": params, "dtype": np.dtype(vec.dtype).name,
            "terms": terms, "idf": np.asarray(vec.idf_, dtype=np.float64)}


def _unpack_vectorizer(packed: dict[str, Any]) -> FastTfidfVectorizer:
    params = dict(packed["params"], ngram_range=tuple(packed["params"]["ngram_range"]))
    vec = FastTfidfVectorizer(dtype=np.dtype(packed["dtype"]).type, **params)
    terms = packed["terms"].split("\n") if packed["terms"] else []
    vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
    vec.idf_ = packed["idf"]
    return vec


def pack_state(state: dict[str, Any]) -> dict[str, Any]:
    return {k: _pack_vectorizer(v) if isinstance(v, TfidfVectorizer) else v
            for k, v in state.items()}


def unpack_state(packed: dict[str, Any]) -> dict[str, Any]:
    return {k: _unpack_vectorizer(v) if isinstance(v, dict) and v.get("kind") == "tfidf" else v
            for k, v in packed.items()}
