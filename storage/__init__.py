"""Pantau's storage: the database, its schema migrations, and the query and repository functions
that everything outside this package uses (nothing outside imports `storage.models`).

The public surface is listed in `__all__` (pinned by tests/test_contracts.py) and loaded lazily,
so `import storage.records` (the scrapers, the classifier) does not load the database layer.
Modules by job: db (engine, sessions), migrate, errors (the error tree), records (the
interchange record) and reader (its parser), posts (storing), post_listing, review_items,
reviews (scores, queue, decisions), sources, exports, counts, users, audit and bindings (the
hash-chained log and the rows it covers), leases (source-run claims), fingerprints and
near_duplicates (MinHash/LSH groups of near-identical posts), labels (the data team's labels and
the labeling queue's queries), drift (weekly flagged shares, flagged explanations).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Database", "upgrade", "require_current",
    "StorageError", "SchemaNotReady", "RowNotFound", "ReviewNotFound", "UserNotFound",
    "SourceNotFound", "StaleVersion", "StaleDecision", "DuplicateRow", "InvalidValue",
    "UserError",
    "PostRecord", "InvalidRecord", "record_from_dict", "record_to_dict",
    "append_audit", "verify_log", "AuditCheck",
]

_HOMES = {
    "Database": "storage.db", "upgrade": "storage.migrate", "require_current": "storage.migrate",
    "PostRecord": "storage.records", "InvalidRecord": "storage.records",
    "record_from_dict": "storage.records", "record_to_dict": "storage.records",
    "append_audit": "storage.audit", "verify_log": "storage.audit", "AuditCheck": "storage.audit",
}


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module(_HOMES.get(name, "storage.errors")), name)
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
