"""Eighth round (docs/classifier.md): the stance model's own score as a combiner input.

The stance model (fitted on ASN authors only: does this ASN express a preference?) was blended
into the campaign model since the fifth round; with `combiner_stance` its score is also a
column of the combiner, so an ASN's work post that carries campaign words but no preference
can be told from a campaign post by the same author. The third input must reach everything
that reads the combiner: scoring, explanations, the artifact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifier.model import Model, stack_features
from classifier.registry import ModelRegistry
from classifier.train import PARAMS, train_model
from storage.records import Author, PostRecord


@pytest.fixture(scope="module")
def stance_model(seed_records: list[PostRecord]) -> Model:
    sample = seed_records[::3]  # a third of the corpus: enough for every sub-model
    # the round-8 option as it was measured: stance blend 0.5, no contest column (round 10)
    return train_model(sample, params={"combiner_stance": True, "group_folds": False,
                                       "stance_weight": 0.5, "combiner_contest": False})


def test_a_stance_kind_appends_the_stance_logit_after_the_evidence_column() -> None:
    pa, pc, ps = np.array([0.9, 0.2]), np.array([0.6, 0.7]), np.array([0.5, 0.99])
    extra = np.array([0.0, 1.0])
    plain = stack_features(pa, pc, "logit+evidence", extra)
    with_stance = stack_features(pa, pc, "logit+evidence+stance", extra, ps)
    assert with_stance.shape == (2, 5)
    assert np.array_equal(with_stance[:, :4], plain)
    assert with_stance[0, 4] == pytest.approx(0.0)
    assert with_stance[1, 4] == pytest.approx(np.log(0.99 / 0.01))


def test_a_stance_kind_without_the_stance_score_is_refused() -> None:
    with pytest.raises(ValueError, match="stance"):
        stack_features(np.array([0.5]), np.array([0.5]), "logit+stance")


def test_models_without_the_option_have_no_stance_input(model: Model) -> None:
    if PARAMS["combiner_stance"]:
        pytest.skip("the shipped parameters read the stance score")
    assert "stance_clf" not in model.state
    assert "+stance" not in model.state["combiner_features"]
    texts, authors = model.prepare([PostRecord("x", "r8-0", "Ayo coblos nomor 2")])
    assert model.sub_scores(model.blocks(texts, authors))[2] is None


def test_the_combiner_reads_the_stance_score(stance_model: Model) -> None:
    state = stance_model.state
    assert state["combiner_features"] == "logit+evidence+stance"
    assert state["combiner"].coef_.shape == (1, 5)
    # read, not ignored; its sign is the data's (positive in round 8, ~0 on the round-10 corpus)
    assert state["combiner"].coef_[0][4] != 0
    assert state["stance_clf"].coef_.shape == state["campaign_clf"].coef_.shape


def test_scores_follow_the_stance_score(stance_model: Model,
                                        seed_records: list[PostRecord]) -> None:
    records = seed_records[1:400:7]
    texts, authors = stance_model.prepare(records)
    b = stance_model.blocks(texts, authors)
    p_asn, p_camp, p_stance = stance_model.sub_scores(b)
    assert p_stance is not None
    p_camp = stance_model.line_campaign(texts, p_asn, p_camp)  # round 14, as predict does
    extra = stance_model.evidence(texts)
    assert extra is not None  # the evidence column is still read beside the stance score
    scores = stance_model.combine(p_asn, p_camp, extra, p_stance)
    assert np.allclose(scores, [p.score for p in stance_model.predict(records)])
    raised = stance_model.combine(p_asn, p_camp, extra, np.clip(p_stance + 0.2, 0, 0.999))
    sign = np.sign(stance_model.state["combiner"].coef_[0][-1])
    assert np.all(sign * (raised - scores) >= -1e-12)  # scores move with the stance weight


def test_explanations_count_the_stance_models_weights(stance_model: Model) -> None:
    from classifier.explain import _contributions

    records = [PostRecord("x", "r8-1", "Sy ASN tp pilihan sy tetap nomor 2, coblos 2 ya ✌️",
                          author=Author(handle="guru_sd_kolaka", bio="ASN guru SD"))]
    texts, authors = stance_model.prepare(records)
    b = stance_model.blocks(texts, authors)
    p_asn, p_camp, p_stance = stance_model.sub_scores(b)
    g_asn, g_camp, g_stance = stance_model.gradients(p_asn, p_camp,
                                                     stance_model.evidence(texts), p_stance)
    coef = stance_model.state["combiner"].coef_[0][-1]
    assert g_stance is not None and np.sign(g_stance[0]) == np.sign(coef) != 0
    with_stance, _, _ = _contributions(stance_model, b, g_asn, g_camp, g_stance)
    without, _, _ = _contributions(stance_model, b, g_asn, g_camp)
    assert not np.allclose(with_stance.toarray(), without.toarray())
    assert stance_model.predict(records)[0].explanation  # and the post still has its terms


def test_the_stance_model_survives_the_artifact(stance_model: Model, tmp_path: Path,
                                                seed_records: list[PostRecord]) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.save(stance_model)
    loaded = registry.load(stance_model.version)
    records = seed_records[2:300:5]
    assert [p.score for p in loaded.predict(records)] == \
        [p.score for p in stance_model.predict(records)]


def test_the_campaign_tag_weighs_nothing_in_the_campaign_model(model: Model) -> None:
    """One weight for every campaign-list word ("pilih", "dukung", "menang", "nomor") made
    "pilih metode", "dukung program" and "menang lomba" campaign evidence; the words keep
    their own weights, the shared tag and its n-grams have none."""
    assert PARAMS["campaign_mask"] == "voice+camptag"
    names = model.state["text_word"].get_feature_names_out()
    mask = model.state["campaign_mask"]
    tagged = np.array(["_camp_" in name.split(" ") for name in names])
    voice = np.array(["saya" in name.split(" ") for name in names])
    assert tagged.any() and np.all(mask[tagged] == 0.0) and np.all(mask[voice] == 0.0)
    for word in ("pilih", "dukung", "coblos", "menang"):
        assert mask[list(names).index(word)] == 1.0


def test_the_plain_voice_mask_keeps_the_campaign_tag() -> None:
    from classifier.train import status_free_mask
    from classifier.vectorizer import FastTfidfVectorizer

    vec = FastTfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2))
    vec.fit(["_camp_ pilih saya nomor", "dukung _camp_ program"])
    names = list(vec.get_feature_names_out())
    voice, camptag = status_free_mask(vec, "voice"), status_free_mask(vec, "voice+camptag")
    assert voice[names.index("_camp_")] == 1.0 and camptag[names.index("_camp_")] == 0.0
    assert voice[names.index("saya")] == camptag[names.index("saya")] == 0.0
    assert voice[names.index("pilih")] == camptag[names.index("pilih")] == 1.0
