"""Storage's one error tree. Messages say what happened; they carry nothing UI-specific (the use
cases in monitor/services map them to monitor.errors, which know HTTP statuses and exit codes).

    StorageError (RuntimeError)         base: a storage problem, message readable as is
    ├── SchemaNotReady                  no schema or an older one: run `pantau init`
    ├── RowNotFound (LookupError)       no row with that id or name
    │   ├── ReviewNotFound
    │   ├── UserNotFound
    │   └── SourceNotFound
    ├── StaleVersion                    the row changed since it was read (optimistic lock)
    │   └── StaleDecision
    ├── DuplicateRow                    a unique name is taken (user, source)
    └── InvalidValue (ValueError)       a value the schema or a rule refuses
        └── UserError                   a user that cannot be created as asked
"""

from __future__ import annotations

__all__ = ["StorageError", "SchemaNotReady", "RowNotFound", "ReviewNotFound", "UserNotFound",
           "SourceNotFound", "StaleVersion", "StaleDecision", "DuplicateRow", "InvalidValue",
           "UserError"]


class StorageError(RuntimeError):
    """A storage problem the caller should report to the user as is."""


class SchemaNotReady(StorageError):
    """The database has no schema, or an older one: run `pantau init`."""


class RowNotFound(StorageError, LookupError):
    """No row with that id or name."""


class ReviewNotFound(RowNotFound):
    """No review item with that id."""


class UserNotFound(RowNotFound):
    """No user with that name."""


class SourceNotFound(RowNotFound):
    """No source with that name."""


class StaleVersion(StorageError):
    """The row changed since it was read; the message says how."""


class StaleDecision(StaleVersion):
    """A review item changed since it was read."""


class DuplicateRow(StorageError):
    """A unique name is already taken."""


class InvalidValue(StorageError, ValueError):
    """A value the schema or a rule refuses."""


class UserError(InvalidValue):
    """A user that cannot be created as asked; the message is for the user."""
