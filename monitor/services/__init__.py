"""The use cases: the only code that writes. Every interface (CLI, web app, scheduler) calls these.

Each use case takes the acting `monitor.policy.Actor`, checks `can(actor, right)`, performs the
change and appends its audit entry in the same transaction (exactly one entry when it succeeds,
none when it fails), and raises only `monitor.errors` types. Modules by family:

    runtime   opening the database and the active model for a process
    guard     the permission check and storage errors → monitor.errors
    review    decide (with second review), show, queue
    users     authenticate, actor_for, cli_actor, add_user, set_role, deactivate, list_users
    sources   add, remove, enable/disable, list, sync from pantau.toml
    ingest    import files, score stored posts, run sources now
    posts     list collected posts
    models    train, promote, rollback, list
    exports   csv / jsonl / bundle exports, recorded exports, audit verification
    admin     initialise the database, stats
    labels    the labeling queue (uncertain + random share, one per near-duplicate group),
              set_label, export_labels, training_records (labels as PostRecords for training)
    groups    backfill of near-duplicate groups for posts stored before grouping
    drift     weekly flagged shares per source/platform and this week's new terms
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.services.runtime import active_scorer, model_registry, open_database

__all__ = ["open_database", "active_scorer", "model_registry"]


def __getattr__(name: str) -> Any:
    """Loaded on first use, so `import monitor.services.review` (and `pantau --help`) does not
    pull in the database layer through this package."""
    if name in __all__:
        return getattr(import_module("monitor.services.runtime"), name)
    raise AttributeError(f"module 'monitor.services' has no attribute {name!r}")
