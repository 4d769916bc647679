"""Which module defines each top-level command, and the first paragraph of its help.

`pantau --help` lists the commands from this table alone, so start-up imports no command module;
a command's module is imported when the command (or its own --help) runs. The help paragraphs
repeat the commands' docstrings: tests/monitor/test_cli_startup.py checks that they match and
that every registered command is listed here.
"""

from __future__ import annotations

from monitor.errors import N_

__all__ = ["COMMANDS"]

_DATA, _EVIDENCE = "monitor.cli.data_commands", "monitor.cli.evidence_commands"
_MODELS, _SOURCES = "monitor.cli.model_commands", "monitor.cli.source_commands"
_EXPORT, _RUN, _LABEL = "monitor.cli.export_commands", "monitor.cli.run_commands", "monitor.cli.label_commands"

# name → (module that registers it, first paragraph of its help). `audit` has a subcommand in
# the evidence module (which imports the data module), so that one loads the whole group.
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": (_EVIDENCE, N_("The hash-chained audit log.")),
    "cases": ("monitor.cli.case_commands", N_(
        "Cases of confirmed findings and their follow-up to sanction (leads and admins).")),
    "classify": (_MODELS, N_(
        "Score posts with the active model (the database's registry), streaming in batches.")),
    "evaluate": (_MODELS, N_(
        "Precision, recall, F1, PR-AUC, per-hard_case FPR and per-category recall, beside "
        "a\nkeyword-matching baseline.")),
    "export": (_EXPORT, N_(
        "Export reviewed posts with their decisions; `bundle` writes an evidence ZIP.")),
    "groups": (_LABEL, N_("Near-duplicate groups of collected posts (coordinated messages).")),
    "import": (_DATA, N_("Store posts from an interchange JSONL or CSV file (- for stdin).")),
    "init": (_DATA, N_("Create or migrate the database and build the default model (idempotent).")),
    "keys": (_EVIDENCE, N_(
        "The deployment's Ed25519 signing key (signs bundles and audit anchors).")),
    "label": (_LABEL, N_("The data team's labeling queue, labels and their export.")),
    "models": (_MODELS, N_(
        "The model registry: versions, the active one, promotion and rollback.")),
    "posts": (_SOURCES, N_("Collected posts.")),
    "review": ("monitor.cli.review_commands", N_("The review queue of flagged posts.")),
    "run": (_RUN, N_("The monitor: scheduler + pipeline + web app, until SIGINT/SIGTERM.")),
    "score": (_DATA, N_("Score stored posts that have no score yet and queue the flagged ones.")),
    "scrape": (_SOURCES, N_(
        "Run sources once now; prints per source: fetched = new + updated + unchanged "
        "+\nduplicates + rejected, flagged, errors.")),
    "serve": (_RUN, N_("The web app alone: review pages, health and metrics, without the scheduler.")),
    "sources": (_SOURCES, N_("Configured sources and their health.")),
    "stats": (_DATA, N_("Counts of posts, flagged posts, review states and sources.")),
    "train": (_MODELS, N_(
        "Train a new model version from the seed corpus, --data files, reviews and labels; "
        "compare\nit with the active model on the same held-out records and each --eval file; not "
        "activated.")),
    "users": ("monitor.cli.user_commands", N_(
        "People who may log in to the review app, and their roles.")),
    "verify": (_EXPORT, N_(
        "Check an evidence bundle: every file against the manifest, the manifest against "
        "its\nsignature; exit 0 only if intact and signed by the given key (or, with none given, "
        "by the\nkey inside the bundle, said plainly). Where this machine has Pantau's database, "
        "the manifest\nmust also match an export recorded on an intact stretch of its audit chain.")),
}
