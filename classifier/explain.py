"""Explanations: the words of a post that pushed its score up, as they appear in the post.

A term's weight is its first-order contribution to the final logit: its feature value times
the sub-model coefficient, times how much that sub-model moves the combined score for this
post. Word n-grams and cue tags are explained (character n-grams have no single word to point
at); each is mapped back to the surface text it came from, so the UI can highlight it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from classifier.features import Prepared

if TYPE_CHECKING:
    from classifier.model import Model

__all__ = ["TOP_TERMS", "explain_rows", "surface_term"]

TOP_TERMS = 8
_CANDIDATES = TOP_TERMS + 4
_MIN_WEIGHT = 1e-4


def surface_term(prepared: Prepared, ngram: str) -> str | None:
    """The original substring that produced the model n-gram `ngram`, or None."""
    wanted = tuple(ngram.split(" "))
    tokens, n = prepared.tokens, len(wanted)
    start = 0
    while True:
        try:
            i = tokens.index(wanted[0], start)
        except ValueError:
            return None
        if tokens[i:i + n] == wanted:
            surface = prepared.source[prepared.spans[i][0]:prepared.spans[i + n - 1][1]]
            if "\n" not in surface:  # an author n-gram must not cross handle/name/bio
                return surface
        start = i + 1


def _weighted(matrix: sp.csr_matrix, first: tuple[np.ndarray, np.ndarray],
              *more: tuple[np.ndarray, np.ndarray]) -> sp.csr_matrix:
    """matrix ⊙ Σ row·col over the (per-row, per-column) weight pairs, without densifying."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    weights = first[0][rows] * first[1][matrix.indices]
    for row_w, col_w in more:
        weights = weights + row_w[rows] * col_w[matrix.indices]
    return sp.csr_matrix((matrix.data * weights, matrix.indices, matrix.indptr),
                         shape=matrix.shape)


def _contributions(model: Model, blocks: dict[str, sp.csr_matrix], g_asn: np.ndarray,
                   g_camp: np.ndarray, g_stance: np.ndarray | None = None,
                   ) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Per-row contributions over [text words, author words, text cues, author cues], with
    each column's term and whether it comes from the text (True) or the author (False).
    The stance model (when the combiner reads it) reads the campaign model's columns."""
    state, layout = model.state, model.layout
    w_asn, w_camp = state["asn_clf"].coef_[0], state["campaign_clf"].coef_[0]
    stance = state.get("stance_clf") if g_stance is not None else None
    tw, aw = blocks["text_word"], blocks["author_word"]
    tc, ac = blocks["text_cues"], blocks["author_cues"]
    n_tw = tw.shape[1]

    def asn(block: str) -> tuple[np.ndarray, np.ndarray]:
        return g_asn, np.asarray(w_asn[layout.columns("asn", block)])

    def camp(block: str) -> list[tuple[np.ndarray, np.ndarray]]:
        if block not in layout.campaign:
            return []
        out = [(g_camp, np.asarray(w_camp[layout.columns("campaign", block)]))]
        if stance is not None and g_stance is not None:
            out.append((g_stance, np.asarray(stance.coef_[0][layout.columns("campaign", block)])))
        return out

    parts = [
        _weighted(tw, asn("text_word"), *camp("text_word")),
        _weighted(aw, asn("author_word")),
        _weighted(tc, asn("text_cues"), *camp("text_cues")),
        _weighted(ac, asn("author_cues")),
    ]
    names = np.concatenate([model.feature_names("text_word"), model.feature_names("author_word"),
                            np.asarray(state["text_cues"], dtype=object),
                            np.asarray(state["author_cues"], dtype=object)])
    from_text = np.concatenate([np.ones(n_tw, bool), np.zeros(aw.shape[1], bool),
                                np.ones(tc.shape[1], bool), np.zeros(ac.shape[1], bool)])
    return sp.hstack(parts, format="csr"), names, from_text


def explain_rows(
    model: Model,
    blocks: dict[str, sp.csr_matrix],
    p_asn: np.ndarray,
    p_camp: np.ndarray,
    texts: list[Prepared],
    authors: list[Prepared],
    extra: np.ndarray | None = None,
    p_stance: np.ndarray | None = None,
) -> list[tuple[tuple[str, float], ...]]:
    """Top positive terms per row, strongest first, merged by surface form."""
    g_asn, g_camp, g_stance = model.gradients(p_asn, p_camp, extra, p_stance)
    contrib, names, from_text = _contributions(model, blocks, g_asn, g_camp, g_stance)
    n_rows = contrib.shape[0]
    rows = np.repeat(np.arange(n_rows), np.diff(contrib.indptr))
    keep = contrib.data > _MIN_WEIGHT
    rows, cols, values = rows[keep], contrib.indices[keep], contrib.data[keep]
    order = np.lexsort((cols, -values, rows))  # by row, strongest first, ties by column
    rows, cols, values = rows[order], cols[order], values[order]
    starts = np.searchsorted(rows, np.arange(n_rows + 1))
    cols_list, values_list = cols.tolist(), values.tolist()
    name_list, text_list = names.tolist(), from_text.tolist()
    out: list[tuple[tuple[str, float], ...]] = []
    for row in range(n_rows):
        lo, hi = int(starts[row]), min(int(starts[row + 1]), int(starts[row]) + _CANDIDATES)
        merged: dict[str, float] = {}
        for k in range(lo, hi):
            col = cols_list[k]
            term = surface_term(texts[row] if text_list[col] else authors[row], name_list[col])
            if term:
                merged[term] = merged.get(term, 0.0) + values_list[k]
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
        out.append(tuple((term, round(weight, 4)) for term, weight in ranked))
    return out
