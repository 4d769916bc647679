"""Pantau's classifier: scores posts for ASN campaign content (labeling-guide.md).

`ModelRegistry(models_dir).active().predict(records)` is all a caller needs; `train_model`
and `build_training_set` make new versions; `evaluate` holds the metrics and keyword baseline.

The names below load on first use (PEP 562), so `import classifier.shipped` or
`classifier.corpus` — what `pantau init` needs to install the shipped model — does not import
scikit-learn, numpy or skops.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from classifier.errors import ClassifierError, ModelLoadError, NoActiveModel

if TYPE_CHECKING:
    from classifier.model import Model, Prediction
    from classifier.registry import ModelInfo, ModelRegistry
    from classifier.train import train_model
    from classifier.training_set import build_training_set

__all__ = [
    "ClassifierError",
    "Model",
    "ModelInfo",
    "ModelLoadError",
    "ModelRegistry",
    "NoActiveModel",
    "Prediction",
    "build_training_set",
    "train_model",
]

_HOMES = {"Model": "classifier.model", "Prediction": "classifier.model",
          "ModelInfo": "classifier.registry", "ModelRegistry": "classifier.registry",
          "train_model": "classifier.train", "build_training_set": "classifier.training_set"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
