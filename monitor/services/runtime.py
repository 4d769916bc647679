"""Opening the database and the active model for a command, with user-facing errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.config import Settings
from monitor.errors import N_
from storage.db import Database, StorageError
from storage.migrate import require_current

if TYPE_CHECKING:  # the classifier (scikit-learn) loads only when a model is needed
    from classifier import ModelRegistry

__all__ = ["open_database", "active_scorer", "active_summary", "model_registry", "active_version",
           "SERVICE_SQLITE_CACHE_MIB"]

# `pantau run` / `serve` keep their pooled connections for days; with the bulk commands' 32 MiB
# page cache each, their memory grew with the database (issue 14's soak). The operating system
# caches the file's pages anyway, so a small per-connection cache costs a system call per page.
SERVICE_SQLITE_CACHE_MIB = 4


def open_database(settings: Settings, *, migrated: bool = True, service: bool = False) -> Database:
    """The database of these settings; by default it must already be at the current schema.
    `service`: for a long-running process (smaller SQLite page cache per connection)."""
    db = (Database(settings.database_url, sqlite_cache_mib=SERVICE_SQLITE_CACHE_MIB) if service
          else Database(settings.database_url))
    if migrated:
        try:
            require_current(db)
        except StorageError:
            db.dispose()
            raise
        except Exception as exc:  # server down, bad credentials
            db.dispose()
            raise StorageError(N_("cannot open {database}: {error}"), database=db.describe(),
                               error=exc) from exc
    return db


def model_registry(settings: Settings) -> ModelRegistry:
    """The old file registry under PANTAU_HOME (imported into the database on first use)."""
    from classifier import ModelRegistry

    return ModelRegistry(settings.models_dir)


def active_scorer(settings: Settings, db: Database | None = None) -> Any:
    """The active model of the database's registry (imported from the shipped default on
    first use, so a fresh install classifies).

    Typed Any: classifier.Model is a monitor.pipeline.Scorer in behaviour, but that Protocol
    declares its prediction attributes writable while classifier.Prediction is frozen."""
    from monitor.services.models import active_model

    if db is not None:
        return active_model(db, settings)
    own = open_database(settings)
    try:
        return active_model(own, settings)
    finally:
        own.dispose()


def active_summary(settings: Settings, db: Database) -> tuple[str, float]:
    """The active model's version and threshold, the shipped default imported on first use —
    without loading the model (that happens, with its checks, when it first scores)."""
    from monitor.services.models import active_summary as summary

    return summary(db, settings)


def active_version(settings: Settings) -> str | None:
    """The active model's version, None when no model was activated yet (or no database)."""
    from monitor.services.models import active_version as pointer

    try:
        db = open_database(settings)
    except StorageError:
        return None
    try:
        return pointer(db)
    finally:
        db.dispose()
