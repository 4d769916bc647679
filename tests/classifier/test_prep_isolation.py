"""Two models with different preparation settings score side by side in one process (issue 8).

The stemming switch and the caches used to be module globals: scoring with a candidate
model changed how the active one prepared text. Each model now owns its `TextPreparer`.
"""

from __future__ import annotations

import pytest

from classifier import Model, train_model
from classifier.features import PrepSettings, TextPreparer, prepare
from classifier.layout import FeatureLayout
from storage.records import PostRecord

SAMPLE = [
    "Sy PNS, 27 Nov coblos no 2 ✌️ #Kolaka02",
    "salam tiga jari 🤟 dr pejuang CPNS",
    "Kampanye cuci tangan di SDN 1 Latambaga",
]


@pytest.fixture(scope="module")
def other(model: Model, seed_records: list[PostRecord]) -> Model:
    """The session model's twin with the opposite `marks` setting."""
    marks = not model.preparer.settings.marks
    return train_model(seed_records, params={"marks": marks})


def test_each_model_has_its_own_preparer(model: Model, other: Model) -> None:
    assert model.preparer is not other.preparer
    assert model.preparer.settings != other.preparer.settings
    assert other.state["prep"]["marks"] == other.preparer.settings.marks


def test_scores_do_not_depend_on_the_other_model(model: Model, other: Model,
                                                 seed_records: list[PostRecord]) -> None:
    sample = seed_records[::40] + [PostRecord("x", f"s{i}", t) for i, t in enumerate(SAMPLE)]
    alone = [p.score for p in Model(model.state, model.metadata).predict(sample)]
    other.predict(sample)  # the other settings fill the other model's caches
    interleaved = []
    for record in sample:
        interleaved.append(model.predict([record])[0].score)
        other.predict([record])
    assert interleaved == pytest.approx(alone, abs=1e-12)
    assert [p.score for p in model.predict(sample)] == alone


def test_marks_follow_the_settings() -> None:
    plain, marked = TextPreparer(PrepSettings(marks=False)), TextPreparer(PrepSettings(marks=True))
    for text in SAMPLE:
        assert "_pairnum_" not in plain.prepare(text).tokens
    assert {"_pairnum_", "_elecday_"} <= set(marked.prepare(SAMPLE[0]).tokens)
    assert "_handsign_" in marked.prepare(SAMPLE[1]).tokens
    assert "_notasn_" in marked.prepare(SAMPLE[1]).tokens
    assert "_selfasn_" not in marked.prepare("sy calon PNS").tokens
    assert "_selfasn_" in marked.prepare("sy PNS").tokens
    assert prepare(SAMPLE[0]).tokens == plain.prepare(SAMPLE[0]).tokens


def test_older_states_keep_their_settings(model: Model) -> None:
    state = {k: v for k, v in model.state.items() if k != "prep"}
    state["stem"] = False
    assert PrepSettings.from_state(state) == PrepSettings(stem=False, marks=False)


def test_layout_columns_match_the_matrices(model: Model, seed_records: list[PostRecord]) -> None:
    layout = FeatureLayout.from_state(model.state)
    texts, authors = model.prepare(seed_records[:5])
    blocks = model.blocks(texts, authors)
    assert model.asn_matrix(blocks).shape[1] == model.state["asn_clf"].coef_.shape[1]
    assert model.campaign_matrix(blocks).shape[1] == model.state["campaign_clf"].coef_.shape[1]
    last = layout.columns("asn", "author_cues")
    assert last.stop == model.state["asn_clf"].coef_.shape[1]
    with pytest.raises(KeyError):
        layout.columns("campaign", "author_word")
