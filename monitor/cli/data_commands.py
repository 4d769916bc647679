"""`pantau init`, `import`, `score`, `stats`, `audit verify`: the data-handling commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from monitor.cli.app import (
    AppContext,
    _,
    cli,
    emit_json,
    error_text,
    fail,
    lazy,
    open_db,
    pass_app,
    refusals,
    text_in_language,
)
from monitor.cli.help_text import N_
from monitor.cli.labels import label
from monitor.policy import operator_actor
from storage.errors import os_reason

if TYPE_CHECKING:
    from monitor.pipeline import IngestStats
    from monitor.services import admin, exports, ingest, models, runtime
    from storage import interchange
    from storage.interchange import LineResult
else:
    admin, exports, ingest, models = (lazy(f"monitor.services.{m}")
                                      for m in ("admin", "exports", "ingest", "models"))
    runtime, interchange = lazy("monitor.services.runtime"), lazy("storage.interchange")


def _status(message: str) -> None:
    click.echo(message, err=True)


@cli.command("init")
@pass_app
def init_command(app: AppContext) -> None:
    """Create or migrate the database and build the default model (idempotent)."""
    settings = app.settings
    settings.home.mkdir(parents=True, exist_ok=True)
    try:
        db = runtime.open_database(settings, migrated=False)
    except Exception as exc:
        fail(_("cannot initialise the database: {error}").format(error=error_text(exc)))
    # Before the schema exists nobody can be named: initialising is the local operator's (§5).
    actor = operator_actor(users_exist=True)
    try:
        with refusals():
            done = admin.initialise(db, actor)
    except SystemExit:
        raise
    except Exception as exc:
        fail(_("cannot initialise the database: {error}").format(error=error_text(exc)))
    state = (_("migrated from {revision}").format(revision=done.before)
             if done.state.startswith("migrated") else label(done.state))
    _status(_("database {db}: schema {revision} ({state})").format(
        db=db.describe(), revision=done.after, state=state))
    with refusals():
        version, threshold = runtime.active_summary(settings, db)
    _status(_("active model: {version} (threshold {threshold:.3f})").format(
        version=version, threshold=threshold))
    from monitor.cli.evidence_commands import deployment_key

    _status(_("signing key: {fingerprint}").format(
        fingerprint=deployment_key(app).public.fingerprint))
    db.dispose()


def _open_input(path: str) -> tuple[IO[bytes], str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path
    except OSError as exc:
        fail(_("cannot read {path}: {reason}").format(
            path=path, reason=text_in_language(os_reason(exc))))


def _summary(stats: dict[str, int]) -> str:
    return ", ".join(f"{label(key)}: {value}" for key, value in stats.items())


@cli.command("import")
@click.argument("file", help=N_("Interchange JSONL (or CSV); - = stdin."))
@click.option("--source", "source_name", help=N_("Attribute the posts to this configured source."))
@click.option("--no-classify", is_flag=True,
              help=N_("Store only; score later with `pantau score`."))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]),
              help=N_("Default: from the name."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def import_command(app: AppContext, file: str, source_name: str | None, no_classify: bool,
                   fmt: str | None, as_json: bool) -> None:
    """Store posts from an interchange JSONL or CSV file (- for stdin)."""
    db = open_db(app)
    actor = app.actor(db)
    with refusals():
        if source_name:
            ingest.source_id_of(db, source_name)  # refuse before reading anything
    scorer = None if no_classify else runtime.active_scorer(app.settings)
    stream, name = _open_input(file)

    def report(line: LineResult) -> None:
        click.echo(_("{name}:{line}: rejected: {error}").format(
            name=name, line=line.line, error=text_in_language(line.error or "")), err=True)

    done = [0]

    def progress(batch: IngestStats) -> None:
        done[0] += batch.received
        if sys.stderr.isatty():
            click.echo(_("importing… {count} posts").format(count=f"{done[0]:,}") + "\r",
                       err=True, nl=False)

    with stream, refusals():
        stats = ingest.import_posts(db, actor, interchange.read_interchange(stream, name=name, fmt=fmt),
                                    scorer=scorer, source_name=source_name, on_error=report,
                                    on_batch=progress, origin=name)
    db.dispose()
    if as_json:
        emit_json(stats.as_dict())
    else:
        _status(_summary(stats.as_dict()))
    raise SystemExit(1 if stats.rejected else 0)


@cli.command("score")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def score_command(app: AppContext, as_json: bool) -> None:
    """Score stored posts that have no score yet and queue the flagged ones."""
    db = open_db(app)
    actor = app.actor(db)
    scorer = runtime.active_scorer(app.settings)
    with refusals():
        stats = ingest.score_stored(db, actor, scorer)
    db.dispose()
    summary = {"scored": stats.scored, "flagged": stats.flagged, "queued": stats.queued,
               "model_version": scorer.version}
    if as_json:
        emit_json(summary)
    else:
        _status(", ".join(f"{label(k)}: {v}" for k, v in summary.items()))


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def stats_command(app: AppContext, as_json: bool) -> None:
    """Counts of posts, flagged posts, review states and sources."""
    db = open_db(app)
    with refusals():
        document = admin.stats(db, app.actor(db), models.active_version(db)
                                   or admin.active_model_version(app.settings))
    db.dispose()
    if as_json:
        emit_json(document)
        return
    for key, value in document.items():
        click.echo(f"{label(key):>24}: {value}")


@cli.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--anchor", "anchor", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=N_("A signed anchor from `pantau audit anchor`: also detect re-chaining and "
                      "truncation since it was taken."))
@pass_app
def audit_verify(app: AppContext, as_json: bool, anchor: Path | None) -> None:
    """Check the audit log's hash chain and the decision, user, source and case rows it binds (and,
    with --anchor, that nothing was re-chained or cut since the anchor); non-zero exit naming
    the first broken entry and every altered row."""
    from monitor.cli.evidence_commands import anchor_problems, trusted_anchor

    kept = trusted_anchor(app, anchor) if anchor is not None else None
    db = open_db(app)
    with refusals():
        check = exports.verify_audit(db, app.actor(db))
    lost: list[str] = []
    if kept is not None:
        with db.reader() as session:
            lost = anchor_problems(session, kept)
    db.dispose()
    broken = check.chain_break
    intact = check.intact and not lost
    if as_json:
        emit_json({"entries": check.entries, "intact": intact,
                   "broken_entry": broken.entry_id if broken else None,
                   "reason": broken.reason if broken else None,
                   "rows": [{"table": p.table, "id": p.row_id, "audit_entry": p.entry_id,
                             "reason": p.reason} for p in check.row_problems],
                   "anchor": None if anchor is None else {"path": str(anchor), "problems": lost}})
    elif intact:
        suffix = _(" (matches the anchor)") if anchor else ""
        click.echo(_("audit log intact: {count} entries").format(count=check.entries) + suffix)
    else:
        for problem in lost:
            _status(_("audit log does not match the anchor {path}: {problem}").format(
                path=anchor, problem=problem))
        if broken is not None:
            _status(_("audit log BROKEN at entry {id}: {reason}").format(
                id=broken.entry_id, reason=broken.reason))
        for row in check.row_problems:
            _status(_("altered row: {problem}").format(problem=row.describe()))
    if not intact:
        raise SystemExit(1)
