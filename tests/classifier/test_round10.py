"""Tenth round (docs/classifier.md): numbers of daily work and the combiner's contest column.

An ASN's post about a match, an exam, a queue or a quiz carries the words of a campaign
("menang", "nomor 2", "pilih") and nothing electoral; the combiner reads that as one column of
its own (`+contest`), next to the no-evidence column, so such posts can score low without
teaching the content model that "menang" or "nomor" is neutral everywhere.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.marks import contest_context
from classifier.model import Model, stack_features, text_columns
from classifier.train import PARAMS
from storage.records import Author, PostRecord

PREP = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, contest_post=True,
                                 daily_numbers=True))


def _tokens(text: str) -> tuple[str, ...]:
    return PREP.prepare(text).tokens


@pytest.mark.parametrize("text", [
    "Tim voli Dinas Pariwisata pake jersey nomor 2, tetap menang 2-1 lawan Bappeda 🤣",
    "Antre nomor 47, sabar 😅",
    "Kuis hari ini: pilih jawaban yg paling tepat, nomor 2 paling susah",
    "Simulasi UTBK: nomor 1 sampai 40 wajib diisi",
])
def test_a_match_an_exam_a_queue_is_a_contest_post(text: str) -> None:
    assert contest_context(_tokens(text))


@pytest.mark.parametrize("text", [
    "Tim voli menang 2-1, sama kayak paslon 2 nanti menang 💪",
    "habis lomba futsal, tgl 27 Nov jgn lupa ke TPS ya",
    "Lomba 17an seru! Besok coblos nomor 2 ya",
    "Rapat koordinasi di kantor camat hari ini",
])
def test_an_electoral_word_or_no_contest_word_is_not(text: str) -> None:
    assert not contest_context(_tokens(text))


def test_text_columns_follow_the_combiner_kind() -> None:
    texts = [PREP.prepare(t) for t in ("Antre nomor 47, sabar", "coblos nomor 2 ya", "hujan")]
    assert text_columns(texts, "logit") is None
    evidence = text_columns(texts, "logit+evidence")
    assert evidence is not None and evidence.shape == (3, 1)
    both = text_columns(texts, "logit+evidence+contest")
    assert both is not None and both.shape == (3, 2)
    assert both[:, 0].tolist() == evidence[:, 0].tolist()
    assert both[:, 1].tolist() == [1.0, 0.0, 0.0]


def test_the_contest_column_sits_between_the_evidence_column_and_the_stance_score() -> None:
    pa, pc, ps = np.array([0.9, 0.2]), np.array([0.6, 0.7]), np.array([0.5, 0.99])
    extra = np.array([[0.0, 1.0], [1.0, 0.0]])
    stacked = stack_features(pa, pc, "logit+evidence+contest+stance", extra, ps)
    assert stacked.shape == (2, 6)
    assert stacked[:, 3:5].tolist() == extra.tolist()
    assert stack_features(pa, pc, "logit+evidence+contest").shape == (2, 5)  # zeros without


def test_the_shipped_parameters_read_the_contest_column(model: Model) -> None:
    if not PARAMS["combiner_contest"]:
        pytest.skip("the shipped parameters do not read the contest column")
    assert model.state["combiner_features"].endswith("+evidence+contest")
    assert model.state["prep"].get("daily_numbers") is True
    coef = model.state["combiner"].coef_[0]
    assert coef.shape == (5,) and coef[4] < 0  # a contest post weighs towards "not campaign"


def test_a_contest_post_scores_below_the_same_post_made_electoral(model: Model) -> None:
    author = Author(handle="asn_dispora_kolut", name="Rahmat", bio="ASN Dispora Kolaka Utara")
    sport = PostRecord("x", "r10-0", "Tim futsal Dispora menang 3-1, jersey nomor 2 paling tajam ⚽",
                       author=author)
    vote = PostRecord("x", "r10-1", "Tim futsal Dispora menang 3-1, paslon nomor 2 paling tajam ⚽",
                      author=author)
    s_sport, s_vote = (p.score for p in model.predict([sport, vote]))
    assert s_sport < s_vote
