"""The default model shipped in the package, so a fresh `pantau init` does not retrain.

`classifier/shipped/<version>.skops` + `<version>.json` is the model `train_model` makes from
the seed corpus with the default parameters (recall target 0.95, seed 0). It is reproducible:
`python -m classifier.shipped` (or `pantau train --no-reviews`) trains the same version
again, and `tests/classifier/test_shipped.py` checks that a fresh training has the same
fingerprint (training-data SHA-256, parameters, version) and the same coefficients (to
the last bits an lbfgs fit may differ by from one CPU to another).
It is loaded like any registry artifact: SHA-256 checked, trusted types only, no pickle.

Installing it into the database registry (`pantau init`) does not load it: `shipped_artifact`
checks the bytes (SHA-256 against the JSON beside them, trusted types in the skops schema) and
reads version and threshold from that JSON, so a fresh init imports no scikit-learn. The model
is loaded — and checked again — when it first scores. When the installed scikit-learn, numpy,
scipy or skops differ from the ones it was built with (`libraries_match`), the caller loads it
once to prove it still loads.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import ModelLoadError

if TYPE_CHECKING:
    from classifier.model import Model

__all__ = [
    "FINGERPRINT_KEYS",
    "SHIPPED_DIR",
    "ShippedArtifact",
    "build_shipped",
    "fingerprint",
    "install_shipped",
    "libraries_match",
    "shipped_artifact",
    "shipped_metadata",
]

SHIPPED_DIR = Path(__file__).parent / "shipped"
FINGERPRINT_KEYS = ("version", "training_data_sha256", "params", "recall_target", "seed",
                    "features_version", "threshold")


def shipped_metadata(shipped_dir: Path = SHIPPED_DIR) -> dict[str, Any] | None:
    """The shipped model's metadata, or None when the package holds none."""
    found = sorted(shipped_dir.glob("m-*.json"))
    if len(found) != 1:
        return None
    return dict(json.loads(found[0].read_text(encoding="utf-8")))


def fingerprint(metadata: dict[str, Any]) -> dict[str, Any]:
    """What makes two trainings the same model (JSON-normalised, so tuples equal lists)."""
    return dict(json.loads(json.dumps({k: metadata.get(k) for k in FINGERPRINT_KEYS})))


@dataclass(frozen=True)
class ShippedArtifact:
    """The shipped model's checked bytes and the metadata recorded beside them."""

    version: str
    data: bytes
    sha256: str
    metadata: dict[str, Any]  # the model's own metadata (the JSON without artifact_sha256)

    @property
    def threshold(self) -> float:
        return float(self.metadata["threshold"])


def _fits(meta: dict[str, Any] | None, recall_target: float) -> bool:
    return meta is not None and abs(float(meta.get("recall_target", -1)) - recall_target) <= 1e-12


def shipped_artifact(recall_target: float,
                     shipped_dir: Path = SHIPPED_DIR) -> ShippedArtifact | None:
    """The shipped model's bytes, verified (SHA-256, trusted types) but not loaded; None when
    nothing is shipped, it was trained for another recall target, or its file is refused."""
    from classifier.registry import verify_artifact_bytes

    meta = shipped_metadata(shipped_dir)
    if meta is None or not _fits(meta, recall_target) or not meta.get("artifact_sha256"):
        return None
    path = shipped_dir / f"{meta['version']}.skops"
    try:
        data = path.read_bytes()
        verify_artifact_bytes(data, str(meta["artifact_sha256"]), name=str(path))
    except (OSError, ModelLoadError):
        return None
    own = {k: v for k, v in meta.items() if k != "artifact_sha256"}
    return ShippedArtifact(str(meta["version"]), data, str(meta["artifact_sha256"]), own)


def libraries_match(metadata: dict[str, Any]) -> bool:
    """Whether the installed libraries are the ones the model was built with (then it loads as
    it did when it was built; otherwise loading it once is the only proof)."""
    from importlib.metadata import PackageNotFoundError, version

    built = metadata.get("library_versions")
    if not isinstance(built, dict) or not built:
        return False
    try:
        return all(version(name) == str(wanted) for name, wanted in built.items())
    except PackageNotFoundError:
        return False


def install_shipped(models_dir: Path, recall_target: float,
                    shipped_dir: Path = SHIPPED_DIR) -> Model | None:
    """Copy the shipped model into `models_dir` and load it from there (hash + trusted types).

    None when nothing is shipped, it was trained for another recall target, or it does not
    load with the installed libraries: the caller then trains from the seed corpus.
    """
    from classifier.registry import load_artifact

    meta = shipped_metadata(shipped_dir)
    if meta is None or not _fits(meta, recall_target):
        return None
    version = str(meta["version"])
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / f"{version}.skops"
    shutil.copyfile(shipped_dir / f"{version}.skops", target)
    try:
        model = load_artifact(target, meta.get("artifact_sha256"))
    except ModelLoadError:
        target.unlink(missing_ok=True)
        return None
    (models_dir / f"{version}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False),
                                                encoding="utf-8")
    return model


def build_shipped(shipped_dir: Path = SHIPPED_DIR) -> Model:
    """Train the default model on the seed corpus and write it (compressed) as the shipped one."""
    import skops.io as sio

    from classifier.artifact import pack_state
    from classifier.corpus import load_seed_corpus
    from classifier.registry import file_sha256
    from classifier.train import train_model

    model = train_model(load_seed_corpus())
    shipped_dir.mkdir(parents=True, exist_ok=True)
    for old in shipped_dir.glob("m-*"):
        old.unlink()
    path = shipped_dir / f"{model.version}.skops"
    sio.dump({"state": pack_state(model.state), "metadata": model.metadata}, path,
             compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    meta = dict(model.metadata, artifact_sha256=file_sha256(path))
    (shipped_dir / f"{model.version}.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return model


if __name__ == "__main__":
    built = build_shipped()
    size = (SHIPPED_DIR / f"{built.version}.skops").stat().st_size
    print(f"shipped {built.version}: {size / 1e6:.2f} MB in {SHIPPED_DIR}", file=sys.stderr)
