"""Errors raised by the classifier package.

    ClassifierError          anything the classifier refuses to do
    ├── ModelLoadError       an artifact is missing, altered, or holds types we do not trust
    └── NoActiveModel        the registry has no active model yet (run `pantau init` or `models promote`)

A user reads these ("pantau: m-…: file does not match its recorded SHA-256"), in Indonesian by
default: like storage's errors they are raised with an English template marked `N_` and its
values (`storage.errors.TemplatedError`); `str(error)` is the English text, and the command
line translates the template where it shows it (the templates are ids of the `cli` catalog).
"""

from __future__ import annotations

from storage.errors import N_, TemplatedError

__all__ = ["N_", "ClassifierError", "ModelLoadError", "NoActiveModel"]


class ClassifierError(TemplatedError):
    """Base of every error the classifier raises on purpose."""


class ModelLoadError(ClassifierError):
    """A model artifact cannot be loaded safely; the message says which file and why."""


class NoActiveModel(ClassifierError):
    """The model registry has no active model."""
