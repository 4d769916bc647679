"""The shipped default model is exactly what a fresh training on the seed corpus makes (issue 14).

If this fails after a change to the seed corpus, text preparation or the training
parameters, rebuild the artifact: `python -m classifier.shipped`.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from classifier import Model, ModelRegistry
from classifier.registry import TRUSTED_TYPES, load_artifact
from classifier.shipped import (
    SHIPPED_DIR,
    fingerprint,
    install_shipped,
    libraries_match,
    shipped_artifact,
    shipped_metadata,
)
from classifier.vectorizer import FastTfidfVectorizer
from storage.records import PostRecord

MAX_BYTES = 4_000_000


@pytest.fixture(scope="module")
def shipped() -> Model:
    meta = shipped_metadata()
    assert meta is not None, f"no shipped model in {SHIPPED_DIR} (python -m classifier.shipped)"
    return load_artifact(SHIPPED_DIR / f"{meta['version']}.skops", meta["artifact_sha256"])


# lbfgs solvers (the combiner, the category model in float32) differ in the last bits from one
# CPU to another (an AMD EPYC host: 3e-15 and 1e-6); everything else is bit-identical
LAST_BITS = 1e-5


def test_fingerprint_matches_a_fresh_training(shipped: Model, model: Model) -> None:
    ours, fresh = fingerprint(shipped.metadata), fingerprint(model.metadata)
    assert ours.pop("threshold") == pytest.approx(fresh.pop("threshold"), abs=1e-9)
    assert ours == fresh
    assert shipped.version == model.version


def test_coefficients_are_identical_to_the_last_bits(shipped: Model, model: Model) -> None:
    for key, fitted in model.state.items():
        ours = shipped.state[key]
        if isinstance(fitted, FastTfidfVectorizer):
            assert ours.vocabulary_ == fitted.vocabulary_, key
            assert np.array_equal(ours.idf_, fitted.idf_), key
        elif hasattr(fitted, "coef_"):
            scale = max(1.0, float(np.abs(ours.coef_).max()))
            assert np.allclose(ours.coef_, fitted.coef_, rtol=0, atol=LAST_BITS * scale), key
            assert np.allclose(ours.intercept_, fitted.intercept_, rtol=0,
                               atol=LAST_BITS * scale), key
        elif isinstance(fitted, np.ndarray):
            assert np.array_equal(ours, fitted), key
        elif isinstance(fitted, float):  # the threshold
            assert ours == pytest.approx(fitted, abs=1e-9), key
        else:
            assert ours == fitted or list(ours) == list(fitted), key


def test_small_and_scores_like_the_fresh_model(shipped: Model, model: Model,
                                               seed_records: list[PostRecord]) -> None:
    meta = shipped_metadata()
    assert meta is not None
    assert (SHIPPED_DIR / f"{meta['version']}.skops").stat().st_size < MAX_BYTES
    sample = seed_records[::20]
    ours, fresh = shipped.predict(sample), model.predict(sample)
    assert [p.score for p in ours] == pytest.approx([p.score for p in fresh], abs=1e-6)
    assert [p.flagged for p in ours] == [p.flagged for p in fresh]


def test_ensure_default_installs_it_without_training(tmp_path: Path, shipped: Model) -> None:
    registry = ModelRegistry(tmp_path / "models")
    installed = registry.ensure_default()
    assert installed.version == shipped.version
    assert registry.active().version == shipped.version
    assert [i.version for i in registry.list()] == [shipped.version]


def test_other_recall_target_is_not_served_by_it(tmp_path: Path) -> None:
    assert install_shipped(tmp_path, recall_target=0.9) is None
    assert not any(tmp_path.iterdir())


def test_a_damaged_shipped_file_is_refused(tmp_path: Path) -> None:
    meta = shipped_metadata()
    assert meta is not None
    fake = tmp_path / "shipped"
    fake.mkdir()
    (fake / f"{meta['version']}.json").write_text(
        (SHIPPED_DIR / f"{meta['version']}.json").read_text(encoding="utf-8"), encoding="utf-8")
    data = bytearray((SHIPPED_DIR / f"{meta['version']}.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (fake / f"{meta['version']}.skops").write_bytes(bytes(data))
    assert install_shipped(tmp_path / "models", 0.95, shipped_dir=fake) is None
    assert not list((tmp_path / "models").glob("*.skops"))


def _copy_shipped(tmp_path: Path, change: bytes | None = None) -> Path:
    meta = shipped_metadata()
    assert meta is not None
    fake = tmp_path / "shipped"
    fake.mkdir()
    (fake / f"{meta['version']}.json").write_text(
        (SHIPPED_DIR / f"{meta['version']}.json").read_text(encoding="utf-8"), encoding="utf-8")
    (fake / f"{meta['version']}.skops").write_bytes(
        change if change is not None else (SHIPPED_DIR / f"{meta['version']}.skops").read_bytes())
    return fake


def test_the_metadata_beside_the_artifact_is_the_models_own(shipped: Model) -> None:
    """`pantau init` stores the shipped model from its JSON without loading it: that JSON
    must say what the artifact itself says (version, threshold, metrics, fingerprint)."""
    artifact = shipped_artifact(0.95)
    assert artifact is not None
    assert artifact.version == shipped.version
    assert artifact.threshold == shipped.threshold
    assert json.loads(json.dumps(artifact.metadata)) == json.loads(json.dumps(shipped.metadata))
    assert artifact.data == (SHIPPED_DIR / f"{artifact.version}.skops").read_bytes()


def test_the_shipped_artifact_is_not_served_for_another_recall_target() -> None:
    assert shipped_artifact(0.9) is None


def test_a_damaged_shipped_artifact_is_refused_before_loading(tmp_path: Path) -> None:
    meta = shipped_metadata()
    assert meta is not None
    data = bytearray((SHIPPED_DIR / f"{meta['version']}.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    assert shipped_artifact(0.95, _copy_shipped(tmp_path, bytes(data))) is None


def test_a_shipped_artifact_naming_an_untrusted_type_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps(
            {"__module__": "os", "__class__": "system", "content": []}))
    fake = _copy_shipped(tmp_path, buffer.getvalue())
    meta_path = next(fake.glob("*.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["artifact_sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert "os.system" not in TRUSTED_TYPES
    assert shipped_artifact(0.95, fake) is None


def test_libraries_match_only_the_versions_it_was_built_with(shipped: Model) -> None:
    built = dict(shipped.metadata["library_versions"])
    installed = {name: version(name) for name in built}
    assert libraries_match({"library_versions": built}) is (installed == built)
    assert libraries_match({"library_versions": installed})
    assert not libraries_match({"library_versions": dict(built, numpy="0.0.1")})
    assert not libraries_match({"library_versions": {"no-such-package-pantau": "1"}})
    assert not libraries_match({})
