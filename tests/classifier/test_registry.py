"""Artifacts: round trip, refusal of altered or unknown-type files, promote and rollback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from classifier import Model, ModelLoadError, ModelRegistry, NoActiveModel
from classifier.registry import load_artifact
from storage.records import PostRecord


def test_round_trip_gives_the_same_scores(model: Model, tmp_path: Path,
                                          seed_records: list[PostRecord]) -> None:
    registry = ModelRegistry(tmp_path)
    path = registry.save(model)
    assert path.suffix == ".skops" and path.with_suffix(".json").is_file()
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["version"] == model.version and len(meta["artifact_sha256"]) == 64
    loaded = registry.load(model.version)
    sample = seed_records[:100]
    assert [p.score for p in loaded.predict(sample)] == [p.score for p in model.predict(sample)]
    assert loaded.metadata["training_data_sha256"] == model.metadata["training_data_sha256"]


def test_tampered_file_is_refused(model: Model, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    path = registry.save(model)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="SHA-256"):
        registry.load(model.version)
    with pytest.raises(ModelLoadError):  # without the hash, the damaged zip is still refused
        load_artifact(path)


def test_unknown_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({"state": Pipeline([("f", FunctionTransformer(print))]), "metadata": {}}, path)
    with pytest.raises(ModelLoadError, match="untrusted types"):
        load_artifact(path)


def test_not_a_skops_file(tmp_path: Path) -> None:
    path = tmp_path / "x.skops"
    path.write_bytes(b"\x80\x04K\x01.")  # a pickle
    with pytest.raises(ModelLoadError, match="not a skops"):
        load_artifact(path)


def test_promote_rollback_list(model: Model, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(NoActiveModel):
        registry.active()
    registry.save(model)
    other = Model(model.state, dict(model.metadata, version="m-other",
                                    created_at="2099-01-01T00:00:00+00:00"))
    registry.save(other)
    registry.promote(model.version)
    registry.promote("m-other")
    assert registry.active().version == "m-other"
    assert [i.version for i in registry.list()] == ["m-other", model.version]
    assert registry.rollback() == model.version
    assert registry.active().version == model.version
    with pytest.raises(ModelLoadError):
        registry.promote("m-missing")


def test_ensure_default_keeps_an_active_model(pantau_home: Path, tmp_path: Path) -> None:
    shutil.copytree(pantau_home / "models", tmp_path / "models")
    registry = ModelRegistry(tmp_path / "models")
    before = registry.active().version
    assert registry.ensure_default().version == before


def test_bytes_from_the_database_pass_the_same_checks(model: Model) -> None:
    from classifier.registry import dump_artifact_bytes, load_artifact_bytes

    data, sha = dump_artifact_bytes(model)
    loaded = load_artifact_bytes(data, sha)
    sample = [PostRecord("x", "1", "Ayo coblos nomor 2, sy PNS")]
    assert [p.score for p in loaded.predict(sample)] == [p.score for p in model.predict(sample)]
    with pytest.raises(ModelLoadError, match="SHA-256"):
        load_artifact_bytes(data[:-1] + bytes([data[-1] ^ 1]), sha)
    hostile = sio.dumps(Pipeline([("f", FunctionTransformer(print))]))
    with pytest.raises(ModelLoadError, match="untrusted types"):
        load_artifact_bytes(hostile)
    with pytest.raises(ModelLoadError, match="not a skops"):
        load_artifact_bytes(b"not a zip")
