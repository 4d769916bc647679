"""Sixth round (docs/classifier.md): `_caps_`, the campaign-free P(ASN), the evidence column.

`_caps_` follows an all-capitals word of four letters or more that is in no cue list
(candidates' jargon: "SEJATI 3", "Buton SEGAR"); the ASN model is fitted without campaign
words and marks, so its coefficients there are exactly zero and scoring needs no mask.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.model import Model
from classifier.train import PARAMS, campaign_free_mask

CAPS = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, caps=True))
NO_CAPS = TextPreparer(PrepSettings(marks=True, negation=True, contest=True))


def _caps(prep: TextPreparer, text: str) -> int:
    return prep.prepare(text).tokens.count("_caps_")


@pytest.mark.parametrize("text", [
    "Buton SEGAR nomor 1, gas!",
    "masa tenang tp grup WA kantor masih rame copas video SAHABAT 😂",
    "jadi KASIH 1 lagi lah ❤️",
])
def test_jargon_in_capitals_is_marked(text: str) -> None:
    assert _caps(CAPS, text) == 1
    assert _caps(NO_CAPS, text) == 0


@pytest.mark.parametrize("text", [
    "Sy PNS di RSUD, besok ke TPS",  # cue-list acronyms and words of three letters
    "Selamat pagi Kendari",  # capitalised, not all capitals
    "O2SN kabupaten",  # not letters only
])
def test_acronyms_cue_words_and_capitalised_words_are_not(text: str) -> None:
    assert _caps(CAPS, text) == 0


def test_author_fields_get_no_caps_mark() -> None:
    author = CAPS.prepare_author("abdi_negara", "LA ODE KAHAR", "GURU HONORER")
    assert "_caps_" not in author.tokens


def test_caps_setting_round_trips_and_old_states_prepare_as_before() -> None:
    settings = PrepSettings(marks=True, negation=True, contest=True, caps=True)
    assert PrepSettings.from_state({"prep": settings.as_dict()}) == settings
    assert "caps" not in PrepSettings(marks=True).as_dict()
    assert not PrepSettings.from_state({"prep": {"marks": True}}).caps


def test_round6_parameters_are_the_defaults() -> None:
    assert PARAMS["caps"] is True and PARAMS["contest"] is True
    assert PARAMS["asn_mask"] == "campaign"


def test_the_asn_model_has_no_weight_on_campaign_terms(model: Model) -> None:
    mask = campaign_free_mask(model.state["text_word"])
    names = model.state["text_word"].get_feature_names_out()
    masked = set(names[mask == 0].tolist())
    assert {"_camp_", "_pairnum_", "coblos", "_caps_"} <= masked
    assert "kantor" not in masked and "_selfasn_" not in masked
    weights = model.state["asn_clf"].coef_[0][model.layout.columns("asn", "text_word")]
    assert np.all(weights[mask == 0] == 0.0)
    assert np.any(weights[mask == 1] != 0.0)


def test_no_evidence_column_marks_texts_without_any_campaign_sign() -> None:
    from classifier.model import no_evidence

    texts = [CAPS.prepare(t) for t in (
        "gowes pagi rute Kendari Beach - Nambo 40 km 🚴 kaki gemetar tp hati senang",
        "Sy kena rotasi ke bagian penagihan PBB",
        "coblos nomor 2 ya",  # campaign-list words and a pair number
        "bendera partai sdh berkibar depan rumah",  # an election word
        "#KendariBerkah 💚",  # a hashtag
        "di rumah kami semua SAHABAT 😂",  # jargon in capitals (`_caps_`)
    )]
    assert no_evidence(texts).tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


def test_the_combiner_reads_the_evidence_column(model: Model) -> None:
    assert PARAMS["combiner_evidence"] is True
    assert model.state["combiner_features"].startswith("logit+evidence")
    assert model.state["combiner"].coef_.shape[1] >= 4  # tenth round: "+contest" after it
    assert model.state["combiner"].coef_[0][3] < 0  # no evidence lowers the score
