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
"""

from monitor.services.runtime import active_scorer, model_registry, open_database

__all__ = ["open_database", "active_scorer", "model_registry"]
