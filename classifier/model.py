"""The fitted model: two sub-models and a combiner, scored in vectorised batches.

A positive needs an ASN author AND partisan campaign content, which one bag of words cannot
express (a relawan and a PNS post the same words). So the score is a small logistic
regression over P(author is ASN) and P(content is campaign) and their product. Everything
fitted is a plain scikit-learn/numpy object, so the artifact loads with a short trusted-type
list (see registry.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from classifier.explain import explain_rows
from classifier.features import Prepared, PrepSettings, TextPreparer, cue_matrix, default_preparer
from classifier.layout import FeatureLayout
from classifier.marks import contest_context
from classifier.segments import HARD_SIGNALS, signal_lines
from storage.records import PostRecord

__all__ = [
    "ASN_STATUS_FLOOR",
    "PREDICT_CHUNK",
    "Model",
    "combiner_inputs",
    "Prediction",
    "first_in_order",
    "prepare_records",
    "no_evidence",
    "stack_features",
]

# A stored author status is stronger evidence than the text: it floors P(ASN).
ASN_STATUS_FLOOR = {"known": 0.97, "likely": 0.8}
PREDICT_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class Prediction:
    """One post's score; `explanation` lists (term in the post, weight), strongest first."""

    score: float
    flagged: bool
    model_version: str
    threshold: float
    category: str | None
    explanation: tuple[tuple[str, float], ...]


def prepare_records(
    records: Sequence[PostRecord], preparer: TextPreparer | None = None
) -> tuple[list[Prepared], list[Prepared]]:
    """(text, author) preparations for each record, in order, with `preparer`'s settings."""
    prep = preparer or default_preparer()
    texts = [prep.prepare(r.text) for r in records]
    authors = [prep.prepare_author(r.author.handle, r.author.name, r.author.bio) for r in records]
    return texts, authors


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35, 35))), dtype=np.float64)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)), dtype=np.float64)


def first_in_order(proba: np.ndarray, classes: Sequence[str], order: Sequence[str],
                   ratio: float) -> list[str]:
    """Per row, the first class in `order` whose probability is ≥ ratio × the row's best
    (classes missing from `order` come after it); ratio 1 is the plain argmax."""
    ranked = [classes.index(c) for c in order if c in classes]
    ranked += [k for k in range(len(classes)) if k not in ranked]
    best = proba.max(axis=1, keepdims=True)
    passes = proba[:, ranked] >= ratio * best  # the best one always passes
    return [classes[ranked[int(np.argmax(row))]] for row in passes]


def combiner_inputs(kind: str) -> tuple[str, frozenset[str]]:
    """A `combiner_features` kind read: "logit+evidence+stance" → ("logit", {"evidence",
    "stance"}): the form of the two sub-model columns and the extra inputs after them."""
    base, *extras = kind.split("+")
    return base, frozenset(extras)


def stack_features(p_asn: np.ndarray, p_camp: np.ndarray, kind: str,
                   extra: np.ndarray | None = None,
                   p_stance: np.ndarray | None = None) -> np.ndarray:
    """Combiner inputs: "prob" = [pa, pc, pa·pc]; "logit" = [logit pa, logit pc, min of the two];
    "+evidence" (sixth round) adds the no-evidence column `extra`, then "+stance" (eighth
    round) the logit of the stance model's own score `p_stance`.

    Without `extra` that column is 0 ("evidence present"): only for callers that have no
    prepared text, such as the bare scikit-learn baseline of bench/classify_bench.py;
    `Model.combine` always passes it. A "+stance" kind needs `p_stance`."""
    base, extras = combiner_inputs(kind)
    if base == "logit":
        la, lc = _logit(p_asn), _logit(p_camp)
        cols = [la, lc, np.minimum(la, lc)]
    else:
        cols = [p_asn, p_camp, p_asn * p_camp]
    width = len(extras & _TEXT_COLUMNS)  # "+evidence", "+contest": columns read off the text
    if width:
        cols.append(np.zeros((len(p_asn), width)) if extra is None else extra)
    if "stance" in extras:
        if p_stance is None:
            raise ValueError("this combiner reads the stance score: pass p_stance")
        cols.append(_logit(p_stance))
    return np.column_stack(cols)


# Words that make a text possibly about an election; a text with none of them, no campaign-list
# word, no pair number, hand sign or election day and no hashtag has no campaign evidence.
EVIDENCE = frozenset([
    "_camp_", "_pairnum_", "_handsign_", "_elecday_", "_caps_", "partai", "calon", "bacaleg", "pilkada",
    "pilgub", "pilbup", "pilwali", "pilwalkot", "pileg", "pemilu", "pilpres", "posko", "relawan",
    "koalisi", "dapil", "kpu", "tps", "bawaslu", "politik", "atribut", "pendukung", "capres",
    "periode", "petahana", "debat"])


def no_evidence(texts: Sequence[Prepared]) -> np.ndarray:
    """1.0 for a text without any campaign evidence (`EVIDENCE`, hashtags), else 0.0."""
    return np.array([0.0 if not EVIDENCE.isdisjoint(p.tokens)
                     or any(t[:1] == "#" for t in p.tokens) else 1.0 for p in texts])


_TEXT_COLUMNS = frozenset({"evidence", "contest"})


def text_columns(texts: Sequence[Prepared], kind: str) -> np.ndarray | None:
    """The combiner's columns read off the prepared text, in their order: no campaign
    evidence ("+evidence", sixth round), a contest or daily-work post ("+contest", tenth
    round); None for a combiner that reads neither."""
    _, extras = combiner_inputs(kind)
    cols = []
    if "evidence" in extras:
        cols.append(no_evidence(texts))
    if "contest" in extras:
        cols.append(np.array([1.0 if contest_context(p.tokens) else 0.0 for p in texts]))
    if not cols:
        return None
    return np.column_stack(cols)


class Model:
    """A loaded or freshly trained classifier. `state` holds only fitted sklearn/numpy objects."""

    def __init__(self, state: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.state = state
        self.metadata = metadata
        # (records, out-of-fold scores, p_asn, p_camp) after training, for analysis; not saved.
        self.cv_scores: tuple[Any, ...] | None = None
        self.version: str = str(metadata["version"])
        self.threshold: float = float(state["threshold"])
        self.preparer = TextPreparer(PrepSettings.from_state(state))
        self.layout = FeatureLayout.from_state(state)
        self._names = {
            key: np.asarray(state[key].get_feature_names_out(), dtype=object)
            for key in ("text_word", "author_word")
        }

    def prepare(self, records: Sequence[PostRecord]) -> tuple[list[Prepared], list[Prepared]]:
        """Text and author preparations with this model's own settings and caches."""
        return prepare_records(records, self.preparer)

    # ---- feature blocks -------------------------------------------------------------------
    def blocks(self, texts: list[Prepared], authors: list[Prepared]) -> dict[str, sp.csr_matrix]:
        """The four TF-IDF blocks; `text_char` is absent when the model was trained without it."""
        a = [p.text for p in authors]
        out = self.text_blocks(texts)
        out["author_word"] = self.state["author_word"].transform(a)
        out["author_char"] = self.state["author_char"].transform(a)
        value = float(self.state.get("cue_value", 1.0))
        out["author_cues"] = cue_matrix(authors, tuple(self.state["author_cues"]), value)
        return out

    def text_blocks(self, texts: Sequence[Prepared]) -> dict[str, sp.csr_matrix]:
        """The text's blocks alone (words, characters when trained with them, cues): all
        the campaign model reads, for whole posts and for lines read alone."""
        value = float(self.state.get("cue_value", 1.0))
        out = {"text_word": self.state["text_word"].transform([p.text for p in texts]),
               "text_cues": cue_matrix(list(texts), tuple(self.state["text_cues"]), value)}
        if self.state.get("text_char") is not None:
            out["text_char"] = self.state["text_char"].transform([p.words for p in texts])
        return out

    def asn_matrix(self, b: dict[str, sp.csr_matrix]) -> sp.csr_matrix:
        return self.layout.stack(b, "asn")

    def campaign_matrix(self, b: dict[str, sp.csr_matrix]) -> sp.csr_matrix:
        """The text blocks; with a `campaign_mask`, author-status words weigh nothing here
        (whether content is partisan must not depend on who wrote it)."""
        mask = self.state.get("campaign_mask")
        if mask is not None:
            tw = b["text_word"]
            masked = sp.csr_matrix((tw.data * mask[tw.indices], tw.indices, tw.indptr),
                                   shape=tw.shape)
            b = dict(b, text_word=masked)
        return self.layout.stack(b, "campaign")

    # ---- scoring --------------------------------------------------------------------------
    def sub_scores(
        self, b: dict[str, sp.csr_matrix], asn_status: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(P(author is ASN), P(campaign content), stance score) per row, with the stored-status
        floor on P(ASN). The stance score — P(this ASN expresses a preference), read from the
        campaign model's matrix — is None unless the combiner reads it (eighth round)."""
        p_asn = self.state["asn_clf"].predict_proba(self.asn_matrix(b))[:, 1]
        x_camp = self.campaign_matrix(b)
        p_camp = self.state["campaign_clf"].predict_proba(x_camp)[:, 1]
        stance = self.state.get("stance_clf")
        p_stance = None if stance is None else stance.predict_proba(x_camp)[:, 1]
        if asn_status is not None:
            floors = np.array([ASN_STATUS_FLOOR.get(s or "", 0.0) for s in asn_status])
            p_asn = np.maximum(p_asn, floors)
        return p_asn, p_camp, p_stance

    def line_campaign(self, texts: Sequence[Prepared], p_asn: np.ndarray,
                      p_camp: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """P(campaign) below `line_min` raised to that of the post's best line with a hard signal
        (segments.py), for a model trained with `line_signals` and posts with P(ASN) of at
        least its `line_asn`; `rows` (default all) index `texts`, aligned with the scores."""
        floor = self.state.get("line_asn")
        if floor is None:
            return p_camp
        idx = np.arange(len(p_camp)) if rows is None else np.asarray(rows)
        least = float(self.state.get("line_min", 0.0))
        # a post already at `line_min` cannot be raised by a line: its lines are not read
        chosen = np.flatnonzero((p_asn >= float(floor)) & (p_camp < least))
        marks = self.state.get("line_marks")
        lines, owner = signal_lines([texts[i] for i in idx[chosen]],
                                    HARD_SIGNALS if marks is None else frozenset(marks))
        if not lines:
            return p_camp
        p_line = self.state["campaign_clf"].predict_proba(
            self.campaign_matrix(self.text_blocks(lines)))[:, 1]
        p_line[p_line < least] = 0.0
        out = p_camp.copy()
        np.maximum.at(out, chosen[owner], p_line)
        return out

    def evidence(self, texts: Sequence[Prepared]) -> np.ndarray | None:
        """The combiner's text columns (no evidence, contest), for a model trained with them
        (else None)."""
        return text_columns(texts, str(self.state.get("combiner_features", "prob")))

    def combine(self, p_asn: np.ndarray, p_camp: np.ndarray,
                extra: np.ndarray | None = None,
                p_stance: np.ndarray | None = None) -> np.ndarray:
        stacked = stack_features(p_asn, p_camp, self.state.get("combiner_features", "prob"),
                                 extra, p_stance)
        return np.asarray(self.state["combiner"].predict_proba(stacked)[:, 1])

    def predict(
        self, records: Sequence[PostRecord], asn_status: Sequence[str | None] | None = None
    ) -> list[Prediction]:
        """Score records in vectorised chunks; categories only for flagged posts."""
        if asn_status is not None and len(asn_status) != len(records):
            raise ValueError("asn_status must have one entry per record")
        out: list[Prediction] = []
        for start in range(0, len(records), PREDICT_CHUNK):
            chunk = records[start:start + PREDICT_CHUNK]
            status = None if asn_status is None else asn_status[start:start + PREDICT_CHUNK]
            out.extend(self._predict_chunk(chunk, status))
        return out

    def _predict_chunk(
        self, records: Sequence[PostRecord], asn_status: Sequence[str | None] | None
    ) -> list[Prediction]:
        texts, authors = self.prepare(records)
        b = self.blocks(texts, authors)
        p_asn, p_camp, p_stance = self.sub_scores(b, asn_status)
        p_camp = self.line_campaign(texts, p_asn, p_camp)
        extra = self.evidence(texts)
        scores = self.combine(p_asn, p_camp, extra, p_stance)
        flagged = scores >= self.threshold
        categories: list[str | None] = [None] * len(records)
        rows = np.flatnonzero(flagged)
        if rows.size:
            for row, cat in zip(rows, self.categories(b, rows), strict=False):
                categories[row] = cat
        explanations = explain_rows(self, b, p_asn, p_camp, texts, authors, extra, p_stance)
        return [
            Prediction(float(s), bool(f), self.version, self.threshold, c, e)
            for s, f, c, e in zip(scores, flagged, categories, explanations, strict=False)
        ]

    def category_matrix(self, b: dict[str, sp.csr_matrix],
                        rows: np.ndarray | None = None) -> sp.csr_matrix:
        """The category model's input for `rows` (all when None): text words, and the
        text's character n-grams when the model was trained with them (`category_blocks`;
        older models: words only). Rows are taken before stacking: only flagged posts pay."""
        names = self.state.get("category_blocks", ["text_word"])
        parts = [b[n] if rows is None else b[n][rows] for n in names]
        return sp.hstack(parts, format="csr") if len(parts) > 1 else parts[0]

    def categories(self, b: dict[str, sp.csr_matrix], rows: np.ndarray) -> list[str]:
        """Categories of `rows`. With `category_precedence` (a list of the guide's order and
        a ratio), the first category in the guide's order whose probability is at least
        ratio × the best one wins: the guide says "pick the first that applies", and a
        close second that comes earlier in the order is the one that applies."""
        clf = self.state["category_clf"]
        x = self.category_matrix(b, rows)
        precedence = self.state.get("category_precedence")
        if not precedence:
            return [str(c) for c in clf.predict(x)]
        return first_in_order(clf.predict_proba(x), [str(c) for c in clf.classes_],
                              [str(c) for c in precedence[0]], float(precedence[1]))

    def gradients(self, p_asn: np.ndarray, p_camp: np.ndarray,
                  extra: np.ndarray | None = None, p_stance: np.ndarray | None = None,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """d logit(score) / d logit(sub-model) per row for P(ASN), P(campaign) and, for a
        combiner that reads it, the stance score (else None): how much each sub-model's
        terms count. A central difference keeps this right for any combiner feature set.
        """
        kind, combiner, eps = self.state.get("combiner_features", "prob"), self.state["combiner"], 1e-3

        def z(pa: np.ndarray, pc: np.ndarray, ps: np.ndarray | None) -> np.ndarray:
            return np.asarray(combiner.decision_function(
                stack_features(pa, pc, kind, extra, ps)))

        def nudged(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            lp = _logit(p)
            return _sigmoid(lp + eps), _sigmoid(lp - eps)

        (a_up, a_down), (c_up, c_down) = nudged(p_asn), nudged(p_camp)
        g_asn = (z(a_up, p_camp, p_stance) - z(a_down, p_camp, p_stance)) / (2 * eps)
        g_camp = (z(p_asn, c_up, p_stance) - z(p_asn, c_down, p_stance)) / (2 * eps)
        g_stance = None
        if p_stance is not None:
            s_up, s_down = nudged(p_stance)
            g_stance = (z(p_asn, p_camp, s_up) - z(p_asn, p_camp, s_down)) / (2 * eps)
        return g_asn, g_camp, g_stance

    def feature_names(self, block: str) -> np.ndarray:
        return self._names[block]
