"""Training: fit the two sub-models, stack them on out-of-fold scores, pick the threshold.

Deterministic by construction (fixed fold seed, deterministic solvers, sorted inputs), so the
same data gives the same model, version and scores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from classifier.cues import VOICE, cue_tag
from classifier.evaluate import choose_threshold, metrics_at
from classifier.features import Prepared, PrepSettings, TextPreparer, cue_matrix
from classifier.groups import group_ids
from classifier.model import Model, prepare_records, stack_features, text_columns
from classifier.splice import NEGATIVE_GUESTS, Splice, spliced_records
from classifier.vectorizer import FastTfidfVectorizer
from storage.errors import N_, Message
from storage.records import PostRecord, record_to_dict

__all__ = ["PARAMS", "aux_labels", "library_versions", "train_model", "training_sha256",
           "with_splices"]

# Bump when text preparation or the feature layout changes: it is part of the version hash.
# 3: round 6 (`_caps_` counts as campaign evidence in the combiner column); 4: round 7 (wider
# `_selfasn_`, whole-post `_contest_`, `_caps_` only on capitals read as words); 5: round 10
# (`daily_numbers`); 6: round 11 (`office_words`); 7: round 12 (`explicit_status`)
FEATURES_VERSION = 7

PARAMS: dict[str, Any] = {
    "stem": False, "text_char": True, "folds": 5, "word_ngrams": 2, "char_ngrams": (2, 5),
    "cue_value": 1.0, "bagged": True, "author_ngrams": 1, "author_char_ngrams": (2, 4),
    "c_asn": 4.0, "c_campaign": 16.0, "c_category": 8.0,
    "text_cues": ("_selfasn_",), "author_cues": (), "combiner_features": "logit",
    # issue 13, each measured on the honest evaluation (docs/classifier.md):
    "marks": True, "negation": True, "campaign_cues": False,
    # reminder 1.5 → 3 in round 5, → 4 in round 6; government_program 2 in round 6
    "camp_weights": {"asn_neutral": 3.0, "neutrality_reminder": 4.0, "government_program": 2.0},
    "group_folds": True,  # the threshold from out-of-group scores
    # round 5: first-person words ("sy", "saya") weigh nothing in the campaign model; the
    # author-status mask (True) was measured in round 3 and not kept; round 8 ("+camptag"):
    # nor the guide-list tag `_camp_` and its n-grams (the words themselves keep their weight)
    "campaign_mask": "voice+camptag",
    # fifth round: categories from words + character n-grams, in the guide's order
    "category_blocks": ("text_word", "text_char"), "category_precedence": 0.8,
    "kin": False,  # `_notasn_` after a relative (marks.py): measured in round 5, not kept
    "contest": True,  # `_contest_` for numbers in contests (marks.py): kept in round 6
    # blend in a stance model fitted on ASN authors only (round 5: 0.5; round 10: 0.85)
    "stance_weight": 0.85,
    "caps": True,  # `_caps_` after all-capitals words of the text (features.py; round 6)
    "asn_mask": "campaign",  # campaign words and marks weigh nothing in P(ASN) (round 6)
    "combiner_evidence": True,  # a no-campaign-evidence column in the combiner (round 6)
    # seventh round (marks.py, features.py), each measured over three deals of the grouped CV:
    "selfref": True,  # wider `_selfasn_`: working life, "ASN juga manusia" (text only)
    "contest_post": True,  # `_contest_` for every number of a contest post without election words
    "caps_words": True,  # `_caps_` only for capitals read as words (SEJATI), not acronyms (PPDB)
    # eighth round: the stance model's own score as a combiner input (measured, not kept)
    "combiner_stance": False,
    # tenth round, each measured over six deals of the grouped CV: numbers of a queue, a room,
    # a quiz, a form are no pair numbers (marks.py); a contest-or-daily-work post without
    # anything electoral is a combiner column (model.text_columns)
    "daily_numbers": True,
    "combiner_contest": True,
    # eleventh round (six deals): offices beyond the guide's list and handles read whole
    # ("p3k", "rizal_kppnpalu", "Kacabdis"): `_asn_` (cues.office_tag, features.py)
    "office_words": True,
    # twelfth round (six deals): a teacher's or health worker's school or hospital is no ASN
    # evidence without a status word or a structural post (guide §2; cues.NEEDS_STATUS)
    "explicit_status": True,
    # fourteenth round (six deals): a line of a long post with a pair number, a hand sign or
    # the election day, in a post that does not speak of the neutrality rules, is also read
    # alone; a P(campaign) of at least `line_min` raises the post's (segments.py), for posts
    # whose P(ASN) is at least `line_asn`
    "line_signals": True, "line_asn": 0.2, "line_min": 0.9,
    # thirteenth round (measured, not kept; not a key here so that versions stay as they
    # were): "splice", long posts spliced from seed posts as a share of the labeled records
    # (splice.py), with "splice_negatives" (their negative share, 0.5) and "splice_guests"
    # (the hard cases of the negative guests, splice.NEGATIVE_GUESTS)
}
# The category order of the labeling guide §4 with docs/labeling-guide-mobilisation.md.
CATEGORY_ORDER = ("mobilisation", "partisan_decision", "party_approach", "partisan_activity",
                  "banner", "social_media_campaign")
_STATUS_TAGS = frozenset({"_asn_", "_nonasn_", "_selfasn_", "_notasn_"})


def status_free_mask(vec: TfidfVectorizer, kind: str | bool = True) -> np.ndarray:
    """1.0 for text terms that say nothing about the author's status, 0.0 for the others
    (guide-list ASN/non-ASN words and their tags; with kind "voice", first-person words:
    an ASN's own voice is in positives and in asn_neutral alike; "voice+camptag" also the
    `_camp_` tag, which one weight for every campaign-list word made evidence of "pilih
    metode", "dukung program", "menang lomba"), float32 over the vocabulary."""
    def status(term: str) -> bool:
        if kind in ("voice", "voice+camptag"):
            parts = term.split(" ")
            return any(t in VOICE for t in parts) or (kind == "voice+camptag" and "_camp_" in parts)
        return any(t in _STATUS_TAGS or cue_tag(t) in ("_asn_", "_nonasn_")
                   for t in term.split(" "))

    names = vec.get_feature_names_out()
    return np.array([0.0 if status(t) else 1.0 for t in names], dtype=np.float32)


_CAMPAIGN_MARKS = frozenset({"_camp_", "_pairnum_", "_handsign_", "_elecday_", "_negcamp_",
                             "_contest_", "_caps_", "☝", "✌", "🤟", "👆"})


def campaign_free_mask(vec: TfidfVectorizer) -> np.ndarray:
    """1.0 for text terms without a campaign word, mark or hand sign, 0.0 for the others.

    In P(author is ASN) campaign words are evidence of a non-ASN author only because the
    corpus holds many citizens' campaign posts (`public_campaign`); who writes must not be
    read from what is campaigned for. Applied when fitting: the masked columns are zero in
    every training row, so the dual solver gives them a coefficient of exactly zero and
    scoring needs no mask."""
    names = vec.get_feature_names_out()
    return np.array([0.0 if any(t in _CAMPAIGN_MARKS or cue_tag(t) == "_camp_"
                                for t in term.split(" ")) else 1.0 for term in names],
                    dtype=np.float32)


def _masked_columns(x: sp.csr_matrix, mask: np.ndarray, start: int) -> sp.csr_matrix:
    """`x` with columns start … start+len(mask) multiplied by `mask`."""
    full = np.ones(x.shape[1], dtype=np.float32)
    full[start:start + len(mask)] = mask
    return sp.csr_matrix((x.data * full[x.indices], x.indices, x.indptr), shape=x.shape)


def library_versions() -> dict[str, str]:
    import scipy
    import sklearn
    import skops

    return {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "skops": skops.__version__}


def training_sha256(records: Sequence[PostRecord]) -> str:
    """SHA-256 of the training records in canonical JSON, order-independent."""
    lines = sorted(json.dumps(record_to_dict(r), sort_keys=True, ensure_ascii=False)
                   for r in records)
    # surrogatepass: a lone surrogate in a record hashes instead of crashing training
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def aux_labels(records: Sequence[PostRecord]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(label, author-is-ASN, campaign-content) with -1 where a record does not say."""
    y, asn, camp = [], [], []
    for r in records:
        label = int(r.label or 0)
        given = r.extra.get("author_is_asn")
        y.append(label)
        if isinstance(given, bool):
            asn.append(int(given))
        else:  # guide §1: a positive has an ASN author; asn_neutral is by definition ASN
            asn.append(1 if label == 1 or r.hard_case == "asn_neutral" else -1)
        if label == 1 or r.hard_case == "public_campaign":
            camp.append(1)
        else:
            camp.append(0 if r.hard_case else -1)
    return np.array(y), np.array(asn), np.array(camp)


def _vectorizers(params: dict[str, Any]) -> dict[str, TfidfVectorizer | None]:
    word: dict[str, Any] = {"token_pattern": r"\S+", "lowercase": False, "sublinear_tf": True,
                            "dtype": np.float32}
    char: dict[str, Any] = {"analyzer": "char_wb", "lowercase": False, "sublinear_tf": True,
                            "min_df": 2, "dtype": np.float32}
    return {
        "text_word": FastTfidfVectorizer(ngram_range=(1, params["word_ngrams"]), min_df=1, **word),
        "text_char": (FastTfidfVectorizer(ngram_range=tuple(params["char_ngrams"]), **char)
                      if params["text_char"] else None),
        "author_word": FastTfidfVectorizer(ngram_range=(1, params["author_ngrams"]), min_df=1,
                                           **word),
        "author_char": FastTfidfVectorizer(ngram_range=tuple(params["author_char_ngrams"]), **char),
    }


def _lr(c: float, balanced: bool = False) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, solver="liblinear", dual=True, random_state=0,
                              class_weight="balanced" if balanced else None)


def _fit_sub(model: Model, b: dict[str, sp.csr_matrix], y: np.ndarray, y_asn: np.ndarray,
             y_camp: np.ndarray, rows: np.ndarray, params: dict[str, Any],
             w_camp: np.ndarray) -> None:
    a_rows, c_rows = rows[y_asn[rows] >= 0], rows[y_camp[rows] >= 0]
    x_asn = model.asn_matrix(b)[a_rows]
    if params["asn_mask"]:
        x_asn = _masked_columns(x_asn, campaign_free_mask(model.state["text_word"]),
                                model.layout.columns("asn", "text_word").start)
    model.state["asn_clf"] = _lr(params["c_asn"], True).fit(x_asn, y_asn[a_rows])
    x_camp = model.campaign_matrix(b)
    campaign = _lr(params["c_campaign"], True).fit(
        x_camp[c_rows], y_camp[c_rows], sample_weight=w_camp[c_rows])
    weight = float(params["stance_weight"])
    if weight > 0 or params["combiner_stance"]:
        # stance: the same text, only ASN authors, label = the post's label
        s_rows = rows[y_asn[rows] == 1]
        stance = _lr(params["c_campaign"], True).fit(
            x_camp[s_rows], y[s_rows], sample_weight=w_camp[s_rows])
        if params["combiner_stance"]:  # its own score is a combiner input too (round 8)
            model.state["stance_clf"] = stance
        if weight > 0:
            campaign = _blend(campaign, stance, weight)  # reads stance, does not change it
    model.state["campaign_clf"] = campaign


def _blend(campaign: LogisticRegression, stance: LogisticRegression,
           weight: float) -> LogisticRegression:
    """One linear model whose logit is (1 − weight)·campaign's + weight·stance's.

    Both read the same matrix, so the blend is itself a logistic regression: the artifact,
    the explanations and the speed stay those of one campaign model.
    """
    campaign.coef_ = (1 - weight) * campaign.coef_ + weight * stance.coef_
    campaign.intercept_ = (1 - weight) * campaign.intercept_ + weight * stance.intercept_
    return campaign


def _oof_sub_scores(model: Model, b: dict[str, sp.csr_matrix], y: np.ndarray,
                    y_asn: np.ndarray, y_camp: np.ndarray, params: dict[str, Any],
                    seed: int, w_camp: np.ndarray, groups: np.ndarray | None,
                    splices: Sequence[Splice] = (), texts: Sequence[Prepared] = (),
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """Out-of-fold (P(ASN), P(campaign), stance score or None, fold of each real row); with
    `bagged`, the fold models averaged become the model's sub-models. The rows after the
    real ones are `splices`, each trained on by the folds that hold all its parents."""
    n = len(y) - len(splices)
    if groups is not None:  # whole writer/template groups out of fold: scores like new text's
        splits = StratifiedGroupKFold(params["folds"], shuffle=True, random_state=seed).split(
            np.zeros(n), y[:n], groups)
    else:
        splits = StratifiedKFold(params["folds"], shuffle=True, random_state=seed).split(
            np.zeros(n), y[:n])
    p_asn, p_camp, p_stance = np.zeros(n), np.zeros(n), np.zeros(n)
    fold_of = np.zeros(n, dtype=int)
    fitted: dict[str, list[LogisticRegression]] = {"asn_clf": [], "campaign_clf": []}
    if params["combiner_stance"]:
        fitted["stance_clf"] = []
    for k, (train, test) in enumerate(splits):
        train = with_splices(train, splices, n)
        _fit_sub(model, b, y, y_asn, y_camp, train, params, w_camp)
        sub = {key: m[test] for key, m in b.items()}
        p_asn[test], p_camp[test], stance = model.sub_scores(sub)
        # lines with a hard signal (fourteenth round; nothing for a model without them)
        p_camp[test] = model.line_campaign(texts, p_asn[test], p_camp[test], test)
        if stance is not None:
            p_stance[test] = stance
        fold_of[test] = k
        for key, models in fitted.items():
            models.append(model.state[key])
    if params["bagged"]:  # the fold models, averaged: what the combiner saw, less variance
        for key, models in fitted.items():
            model.state[key] = _average(models)
    return p_asn, p_camp, (p_stance if params["combiner_stance"] else None), fold_of


def with_splices(train: np.ndarray, splices: Sequence[Splice], n: int) -> np.ndarray:
    """A fold's training rows and the spliced rows (numbered from `n`) whose parents are all
    among them: a spliced post never teaches a fold the line of a post it scores."""
    inside = np.zeros(n, bool)
    inside[train] = True
    extra = [n + j for j, s in enumerate(splices) if all(inside[p] for p in s.parents)]
    return np.concatenate([train, np.array(extra, dtype=int)]).astype(int)


def _average(models: list[LogisticRegression]) -> LogisticRegression:
    """One linear model whose coefficients are the mean of the fold models'."""
    avg = models[0]
    avg.coef_ = np.mean([m.coef_ for m in models], axis=0)
    avg.intercept_ = np.mean([m.intercept_ for m in models], axis=0)
    return avg


def train_model(
    records: Sequence[PostRecord], *, recall_target: float = 0.95, seed: int = 0,
    params: dict[str, Any] | None = None,
) -> Model:
    """Fit a model on labeled records (label 0/1); threshold from cross-validated scores."""
    params = {**PARAMS, **(params or {})}
    labeled = sorted((r for r in records if r.label in (0, 1)),
                     key=lambda r: (r.platform, r.external_id, r.text))
    if len(labeled) < 20 or sum(r.label == 1 for r in labeled) < 5 \
            or sum(r.label == 0 for r in labeled) < 5:
        raise ValueError(Message(N_("training needs at least 20 labeled records with 5 of "
                                    "each label")))
    n = len(labeled)
    splices = (spliced_records(labeled, int(round(float(params["splice"]) * n)), seed=seed,
                               negative_share=float(params.get("splice_negatives", 0.5)),
                               negative_guests=params.get("splice_guests", NEGATIVE_GUESTS))
               if params.get("splice") else [])
    rows = [*labeled, *(s.record for s in splices)]  # the real records, then the spliced
    y, y_asn, y_camp = aux_labels(rows)
    settings = PrepSettings(stem=bool(params["stem"]), marks=bool(params["marks"]),
                            negation=bool(params["negation"]), kin=bool(params["kin"]),
                            contest=bool(params["contest"]), caps=bool(params["caps"]),
                            selfref=bool(params["selfref"]),
                            contest_post=bool(params["contest_post"]),
                            caps_words=bool(params["caps_words"]),
                            daily_numbers=bool(params["daily_numbers"]),
                            office_words=bool(params["office_words"]),
                            explicit_status=bool(params["explicit_status"]))
    texts, authors = prepare_records(rows, TextPreparer(settings))
    state: dict[str, Any] = {"threshold": 0.5, "stem": params["stem"], "prep": settings.as_dict()}
    state["text_cues"], state["author_cues"] = list(params["text_cues"]), list(params["author_cues"])
    state["cue_value"] = float(params["cue_value"])
    state["campaign_cues"] = bool(params["campaign_cues"])
    b = {"text_cues": cue_matrix(texts, tuple(params["text_cues"]), params["cue_value"]),
         "author_cues": cue_matrix(authors, tuple(params["author_cues"]), params["cue_value"])}
    for key, vec in _vectorizers(params).items():
        state[key] = vec
        if vec is not None:
            source = texts if key[0] == "t" else authors
            b[key] = vec.fit_transform([p.words if key == "text_char" else p.text for p in source])
    if params["campaign_mask"]:
        state["campaign_mask"] = status_free_mask(state["text_word"], params["campaign_mask"])
    if params["line_signals"]:  # lines with a hard signal read alone too (fourteenth round)
        state["line_asn"], state["line_min"] = float(params["line_asn"]), float(params["line_min"])
        if params.get("line_marks"):  # other signals than segments.HARD_SIGNALS (measured)
            state["line_marks"] = sorted(params["line_marks"])
    model = Model(state, {"version": "training"})
    # hard cases that share campaign words but are not campaigning can weigh more (params)
    w_camp = np.array([float(params["camp_weights"].get(r.hard_case or "", 1.0))
                       for r in rows])
    groups = group_ids(labeled) if params["group_folds"] else None
    p_asn, p_camp, p_stance, fold_of = _oof_sub_scores(model, b, y, y_asn, y_camp, params,
                                                       seed, w_camp, groups, splices, texts)
    state["combiner_features"] = params["combiner_features"]
    if params["combiner_evidence"]:  # a text with no campaign evidence at all (model.py)
        state["combiner_features"] += "+evidence"
    if params["combiner_contest"]:  # a match, an exam, a queue and nothing electoral
        state["combiner_features"] += "+contest"
    extra = text_columns(texts[:n], state["combiner_features"])
    y_all, y = y, y[:n]  # the combiner and the threshold see the real records only
    if params["combiner_stance"]:  # the stance model's own score (round 8)
        state["combiner_features"] += "+stance"
    stacked = stack_features(p_asn, p_camp, state["combiner_features"], extra, p_stance)
    oof = np.zeros(len(y))
    for k in range(params["folds"]):  # combiner scores out of fold too, for the threshold
        train, test = fold_of != k, fold_of == k
        oof[test] = LogisticRegression(C=100.0).fit(stacked[train], y[train]).predict_proba(
            stacked[test])[:, 1]
    state["combiner"] = LogisticRegression(C=100.0).fit(stacked, y)
    state["threshold"] = choose_threshold(y, oof, recall_target)
    if not params["bagged"]:
        _fit_sub(model, b, y_all, y_asn, y_camp, np.arange(len(y_all)), params, w_camp)
    positives = np.flatnonzero(y_all == 1)
    cats = np.array([rows[i].category or "social_media_campaign" for i in positives])
    state["category_blocks"] = [k for k in params["category_blocks"] if b.get(k) is not None]
    if params["category_precedence"]:
        state["category_precedence"] = [list(CATEGORY_ORDER), float(params["category_precedence"])]
    state["category_clf"] = LogisticRegression(
        C=params["c_category"], max_iter=300, tol=1e-3, class_weight="balanced").fit(
        model.category_matrix(b, positives), cats)
    data_sha = training_sha256(labeled)
    fingerprint = json.dumps([FEATURES_VERSION, data_sha, params, recall_target, seed,
                              library_versions()], sort_keys=True)
    metadata = {
        "version": "m-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:12],
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data_sha256": data_sha,
        "sizes": {"records": len(labeled), "positives": int(y.sum()),
                  "features": {k: len(v.vocabulary_) for k, v in state.items()
                               if isinstance(v, TfidfVectorizer)}},
        "metrics": {"cross_validated": metrics_at(y, oof, state["threshold"])},
        "threshold": state["threshold"], "recall_target": recall_target, "seed": seed,
        "params": params, "features_version": FEATURES_VERSION,
        "library_versions": library_versions(),
    }
    model = Model(state, metadata)
    model.cv_scores = (labeled, oof, p_asn, p_camp)  # for analysis; not persisted
    return model
