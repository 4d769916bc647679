"""Training choices of the fifth round: the stance blend and categories in the guide's order."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifier import Model
from classifier.model import first_in_order
from classifier.train import CATEGORY_ORDER, PARAMS, _blend


def test_the_stance_blend_is_one_logistic_regression_of_both_logits() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 5)), rng.integers(0, 2, 60)
    campaign, stance = LogisticRegression().fit(x, y), LogisticRegression(C=0.1).fit(x, 1 - y)
    expected = 0.7 * campaign.decision_function(x) + 0.3 * stance.decision_function(x)
    blended = _blend(campaign, stance, 0.3)
    assert np.allclose(blended.decision_function(x), expected)


def test_the_first_category_in_the_guides_order_wins_when_close_to_the_best() -> None:
    classes = ["mobilisation", "partisan_decision", "social_media_campaign"]
    proba = np.array([[0.35, 0.05, 0.60],   # mobilisation ≥ 0.5 × best: the order decides
                      [0.10, 0.20, 0.70],   # nothing earlier is close: the best
                      [0.05, 0.50, 0.45]])  # the best is already earliest of the close ones
    assert first_in_order(proba, classes, CATEGORY_ORDER, 0.5) == [
        "mobilisation", "social_media_campaign", "partisan_decision"]
    assert first_in_order(proba, classes, CATEGORY_ORDER, 1.0) == [
        "social_media_campaign", "social_media_campaign", "partisan_decision"]


def test_the_shipped_parameters_use_the_guides_order() -> None:
    assert CATEGORY_ORDER[:2] == ("mobilisation", "partisan_decision")
    assert CATEGORY_ORDER[-1] == "social_media_campaign"
    assert 0 < PARAMS["category_precedence"] <= 1


def test_first_person_words_weigh_nothing_in_the_campaign_model(model: Model) -> None:
    names = list(model.feature_names("text_word"))
    columns = model.layout.columns("campaign", "text_word")
    coef = np.asarray(model.state["campaign_clf"].coef_[0][columns])
    voice = [k for k, term in enumerate(names) if "saya" in term.split(" ")]
    assert len(voice) > 100 and not coef[voice].any()  # "saya", "saya dukung", "kata saya" …
    assert coef[names.index("dukung")] != 0.0
    asn = np.asarray(model.state["asn_clf"].coef_[0][model.layout.columns("asn", "text_word")])
    assert asn[names.index("saya")] != 0.0  # who writes is still the ASN model's question
