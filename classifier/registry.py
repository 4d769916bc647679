"""Versioned model artifacts on disk: one skops file + metadata JSON per version, an active pointer.

Layout of `models_dir`:
    <version>.skops      the fitted state (only the types in TRUSTED_TYPES)
    <version>.json       metadata: version, created_at, training data SHA-256, sizes, metrics,
                         threshold, library versions, and the artifact's own SHA-256
    active.json          {"active": version, "history": [previous versions, newest last]}

Loading never unpickles: skops reads the file with an explicit trusted-type list, and a file
whose bytes differ from its metadata hash, or that names any other type, is refused.
Those two checks (`verify_artifact_bytes`) need neither skops nor scikit-learn, which load only
when a model is written or read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import N_, ModelLoadError, NoActiveModel

if TYPE_CHECKING:
    from classifier.model import Model

__all__ = [
    "TRUSTED_TYPES",
    "ModelInfo",
    "ModelRegistry",
    "dump_artifact",
    "dump_artifact_bytes",
    "file_sha256",
    "load_artifact",
    "load_artifact_bytes",
    "verify_artifact_bytes",
]

TRUSTED_TYPES = (
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int",
    "builtins.float", "builtins.bool", "builtins.NoneType", "builtins.slice", "builtins.type",
    "numpy.ndarray", "numpy.dtype", "numpy.float32", "numpy.float64", "numpy.int64",
    "numpy.int32", "numpy.str_", "numpy.bool_",
    "sklearn.linear_model._logistic.LogisticRegression",
)
_ACTIVE = "active.json"


@dataclass(frozen=True)
class ModelInfo:
    """A registry entry as `pantau models list` shows it."""

    version: str
    created_at: str
    threshold: float
    active: bool
    metrics: dict[str, Any]
    path: Path


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_sha256 = file_sha256


def _schema_types(node: Any) -> Iterator[str]:
    """Every `module.class` a skops schema mentions, however deeply nested."""
    if isinstance(node, dict):
        if "__module__" in node and "__class__" in node:
            yield f"{node['__module__']}.{node['__class__']}"
        for value in node.values():
            yield from _schema_types(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_types(value)


def dump_artifact(model: Model, path: Path) -> str:
    """Write the model's state and metadata to `path`; return the file's SHA-256."""
    import skops.io as sio

    from classifier.artifact import pack_state

    sio.dump({"state": pack_state(model.state), "metadata": model.metadata}, path)
    return _sha256(path)


def dump_artifact_bytes(model: Model) -> tuple[bytes, str]:
    """The model's state and metadata as skops bytes, and their SHA-256 (for the database)."""
    import skops.io as sio

    from classifier.artifact import pack_state

    data = sio.dumps({"state": pack_state(model.state), "metadata": model.metadata},
                     compression=zipfile.ZIP_DEFLATED)
    return data, hashlib.sha256(data).hexdigest()


def load_artifact(path: Path, expected_sha256: str | None = None) -> Model:
    """Read a skops artifact, refusing altered files and any type outside TRUSTED_TYPES."""
    if not path.is_file():
        raise ModelLoadError(N_("{path}: model file not found"), path=str(path))
    return load_artifact_bytes(path.read_bytes(), expected_sha256, name=str(path))


def verify_artifact_bytes(data: bytes, expected_sha256: str | None = None, *,
                          name: str = "model") -> None:
    """Refuse bytes that differ from their recorded SHA-256, are not a skops file, or name a
    type outside TRUSTED_TYPES — without loading them (no skops, no scikit-learn)."""
    if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ModelLoadError(N_("{name}: file does not match its recorded SHA-256 (altered?)"),
                             name=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ModelLoadError(N_("{name}: not a skops model file ({reason})"), name=name,
                             reason=str(exc)) from None
    unexpected = sorted(set(_schema_types(schema)) - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelLoadError(N_("{name}: refusing untrusted types: {types}"), name=name,
                             types=", ".join(unexpected))


def load_artifact_bytes(data: bytes, expected_sha256: str | None = None, *,
                        name: str = "model") -> Model:
    """The same checks as load_artifact, on bytes (an artifact stored in the database)."""
    verify_artifact_bytes(data, expected_sha256, name=name)
    import skops.io as sio

    from classifier.artifact import unpack_state
    from classifier.model import Model

    try:
        blob = sio.loads(data, trusted=list(TRUSTED_TYPES))
        return Model(unpack_state(blob["state"]), blob["metadata"])
    except Exception as exc:  # skops raises several types for a malformed file
        raise ModelLoadError(N_("{name}: cannot load model: {reason}"), name=name,
                             reason=str(exc)) from exc


def _read_json(path: Path) -> dict[str, Any]:
    """A registry JSON file; a corrupt, unreadable or truncated one is a ModelLoadError naming
    it (never a traceback: the operator can restore it or run `pantau models promote`)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelLoadError(N_("{path}: unreadable or corrupt ({reason})"), path=str(path),
                             reason=str(exc)) from None
    if not isinstance(document, dict):
        raise ModelLoadError(N_("{path}: corrupt (not a JSON object)"), path=str(path))
    return document


class ModelRegistry:
    """The model versions in one directory, and which one is active."""

    def __init__(self, models_dir: Path) -> None:
        self.dir = Path(models_dir)

    def _pointer(self) -> dict[str, Any]:
        path = self.dir / _ACTIVE
        if not path.is_file():
            return {"active": None, "history": []}
        pointer = _read_json(path)
        if not isinstance(pointer.get("history", []), list):
            raise ModelLoadError(N_("{path}: corrupt (history is not a list)"), path=str(path))
        pointer.setdefault("history", [])
        return pointer

    def _write_pointer(self, pointer: dict[str, Any]) -> None:
        tmp = self.dir / (_ACTIVE + ".tmp")
        tmp.write_text(json.dumps(pointer, indent=1), encoding="utf-8")
        os.replace(tmp, self.dir / _ACTIVE)

    def _metadata(self, version: str) -> dict[str, Any]:
        path = self.dir / f"{version}.json"
        if not path.is_file():
            raise ModelLoadError(N_("no model version {version!r} in {directory}"), version=version,
                                 directory=str(self.dir))
        return _read_json(path)

    def list(self) -> list[ModelInfo]:
        """All saved versions, newest first."""
        active = self._pointer().get("active")
        infos = []
        for meta_path in self.dir.glob("*.json"):
            if meta_path.name == _ACTIVE:
                continue
            meta = _read_json(meta_path)
            infos.append(ModelInfo(
                version=meta["version"], created_at=meta.get("created_at", ""),
                threshold=float(meta.get("threshold", 0.5)), active=meta["version"] == active,
                metrics=meta.get("metrics", {}), path=self.dir / f"{meta['version']}.skops"))
        return sorted(infos, key=lambda i: (i.created_at, i.version), reverse=True)

    def save(self, model: Model) -> Path:
        """Write the artifact and its metadata (with the artifact hash); does not activate."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{model.version}.skops"
        meta = dict(model.metadata, artifact_sha256=dump_artifact(model, path))
        (self.dir / f"{model.version}.json").write_text(
            json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        return path

    def load(self, version: str) -> Model:
        meta = self._metadata(version)
        return load_artifact(self.dir / f"{version}.skops", meta.get("artifact_sha256"))

    def active(self) -> Model:
        """The active model; NoActiveModel when none was promoted yet."""
        version = self._pointer().get("active")
        if not version:
            raise NoActiveModel(N_("no active model in {directory} (run `pantau init`)"),
                                directory=str(self.dir))
        return self.load(version)

    def promote(self, version: str) -> None:
        """Make `version` active; the previous active one goes on the rollback history."""
        self._metadata(version)
        pointer = self._pointer()
        if pointer.get("active") == version:
            return
        if pointer.get("active"):
            pointer["history"].append(pointer["active"])
        pointer["active"] = version
        self._write_pointer(pointer)

    def rollback(self) -> str:
        """Re-activate the previously active version; return it."""
        pointer = self._pointer()
        if not pointer["history"]:
            raise NoActiveModel(N_("nothing to roll back to"))
        pointer["active"] = pointer["history"].pop()
        self._write_pointer(pointer)
        return str(pointer["active"])

    def ensure_default(self, recall_target: float = 0.95) -> Model:
        """The active model; when the registry is empty, install the model shipped in the
        package (classifier/shipped.py), or train one on the seed corpus when none fits."""
        with suppress(NoActiveModel):
            return self.active()
        from classifier.shipped import install_shipped

        model = install_shipped(self.dir, recall_target)
        if model is None:
            from classifier.corpus import load_seed_corpus
            from classifier.train import train_model

            model = train_model(load_seed_corpus(), recall_target=recall_target)
            self.save(model)
        self.promote(model.version)
        return model
