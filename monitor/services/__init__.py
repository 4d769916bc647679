"""The use cases: the only code that writes. Every interface (CLI, web app, scheduler) calls these.

Each use case takes the acting `monitor.policy.Actor`, checks `can(actor, right)`, performs the
change and appends its audit entry in the same transaction (exactly one entry when it succeeds,
none when it fails), and raises only `monitor.errors` types. Modules by family:

    runtime   opening the database and the active model for a process
    review    decide (with second review), show, queue
    users     authenticate, actor_for, add_user, set_role, deactivate, list_users, any_users
    sources   add, remove, disable, list, sync from pantau.toml
    ingest    import files, score stored posts, run sources now
    models    train, promote, rollback, list
    exports   csv / jsonl / bundle exports, audit verification
"""

from monitor.services.runtime import active_scorer, model_registry, open_database

__all__ = ["open_database", "active_scorer", "model_registry"]
