"""Pantau's classifier: scores posts for ASN campaign content (labeling-guide.md).

`ModelRegistry(models_dir).active().predict(records)` is all a caller needs; `train_model`
and `build_training_set` make new versions; `evaluate` holds the metrics and keyword baseline.
"""

from classifier.errors import ClassifierError, ModelLoadError, NoActiveModel
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
