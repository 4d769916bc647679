"""The trained model: public API, determinism, explanations, the stored-status feature."""

from __future__ import annotations

import dataclasses
import re

import numpy as np

import classifier
from classifier import Model, Prediction, train_model
from storage.records import Author, PostRecord

ASN = Author(handle="andi.firman", name="Andi Firman", bio="PNS Dinas Pendidikan Kab. Muna")
CITIZEN = Author(handle="ikbal.ikan", name="Ikbal", bio="pedagang ikan pasar Raha")
CAMPAIGN = "Muna butuh pemimpin baru, ayo coblos nomor 2 ✌️ #MunaBangkit"


def test_public_api() -> None:
    assert set(classifier.__all__) >= {
        "Prediction", "Model", "train_model", "ModelRegistry", "ModelInfo",
        "ClassifierError", "ModelLoadError", "NoActiveModel"}
    assert issubclass(classifier.ModelLoadError, classifier.ClassifierError)
    assert dataclasses.fields(Prediction)[0].name == "score"


def test_prediction_fields(model: Model) -> None:
    (p,) = model.predict([PostRecord("facebook", "1", CAMPAIGN, author=ASN)])
    assert 0.0 <= p.score <= 1.0
    assert p.flagged == (p.score >= model.threshold)
    assert p.model_version == model.version and p.threshold == model.threshold
    assert (p.category is not None) == p.flagged
    weights = [w for _, w in p.explanation]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)


def test_asn_author_and_campaign_both_needed(model: Model) -> None:
    both, citizen, neutral = model.predict([
        PostRecord("facebook", "1", CAMPAIGN, author=ASN),
        PostRecord("facebook", "2", CAMPAIGN, author=CITIZEN),
        PostRecord("facebook", "3", "Rapat koordinasi kurikulum merdeka hari ini di aula dinas",
                   author=ASN),
    ])
    assert both.score > citizen.score and both.score > neutral.score


def test_known_asn_status_raises_the_score(model: Model) -> None:
    record = PostRecord("facebook", "1", CAMPAIGN, author=CITIZEN)
    unknown, known = model.predict([record, record], ["unknown", "known"])
    assert known.score > unknown.score


def test_explanation_terms_appear_in_the_post(model: Model, seed_records: list[PostRecord]) -> None:
    predictions = model.predict(seed_records[:300])
    assert sum(bool(p.explanation) for p in predictions) > 250
    for record, p in zip(seed_records, predictions, strict=False):
        fields = [record.text, record.author.handle, record.author.name, record.author.bio]
        for term, _ in p.explanation:
            assert any(term in f for f in fields), (term, fields)


def test_deterministic(seed_records: list[PostRecord], model: Model) -> None:
    again = train_model(list(reversed(seed_records)))
    assert again.version == model.version and again.threshold == model.threshold
    sample = seed_records[::7]
    first = [p.score for p in model.predict(sample)]
    assert [p.score for p in again.predict(sample)] == first


def test_batches_match_single_predictions(model: Model, seed_records: list[PostRecord]) -> None:
    sample = seed_records[:50]
    batch = model.predict(sample)
    single = [model.predict([r])[0] for r in sample[:10]]
    assert np.allclose([p.score for p in batch[:10]], [p.score for p in single])


def test_metadata(model: Model) -> None:
    meta = model.metadata
    assert re.fullmatch(r"[0-9a-f]{64}", meta["training_data_sha256"])
    assert meta["sizes"]["records"] > 0 and "scikit-learn" in meta["library_versions"]
    assert meta["metrics"]["cross_validated"]["recall"] >= 0.95
