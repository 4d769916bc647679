"""One model trained per session on the shipped seed corpus, and a registry holding it."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier import Model, ModelRegistry, train_model
from classifier.corpus import load_seed_corpus
from storage.records import PostRecord


@pytest.fixture(scope="session")
def seed_records() -> list[PostRecord]:
    records = load_seed_corpus()
    if len(records) < 100:
        pytest.skip("the seed corpus is not written yet")
    return records


@pytest.fixture(scope="session")
def model(seed_records: list[PostRecord]) -> Model:
    return train_model(seed_records)


@pytest.fixture(scope="session")
def pantau_home(tmp_path_factory: pytest.TempPathFactory, model: Model) -> Path:
    """A PANTAU_HOME whose registry already holds the session model, active."""
    home = tmp_path_factory.mktemp("pantau-home")
    registry = ModelRegistry(home / "models")
    registry.save(model)
    registry.promote(model.version)
    return home
