"""Errors raised by the classifier package.

    ClassifierError          anything the classifier refuses to do
    ├── ModelLoadError       an artifact is missing, altered, or holds types we do not trust
    └── NoActiveModel        the registry has no active model yet (run `pantau init` or `models promote`)
"""

from __future__ import annotations

__all__ = ["ClassifierError", "ModelLoadError", "NoActiveModel"]


class ClassifierError(Exception):
    """Base of every error the classifier raises on purpose."""


class ModelLoadError(ClassifierError):
    """A model artifact cannot be loaded safely; the message says which file and why."""


class NoActiveModel(ClassifierError):
    """The model registry has no active model."""
