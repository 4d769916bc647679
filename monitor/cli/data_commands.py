"""`pantau init`, `import`, `stats`, `review …`, `audit verify`: the data-handling commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from monitor.cli.app import AppContext, cli, emit_json, fail, open_db, pass_app
from monitor.pipeline import IngestStats, import_lines
from monitor.services import active_scorer, model_registry, open_database
from storage.audit import append_audit, verify_chain
from storage.db import Database
from storage.migrate import upgrade
from storage.models import DECISIONS, REVIEW_STATUSES, Post, Review, Source
from storage.reader import LineResult, read_interchange
from storage.reviews import ReviewNotFound, StaleDecision, count_by_status, decide, review_queue

err = Console(stderr=True)


@cli.command("init")
@pass_app
def init_command(app: AppContext) -> None:
    """Create or migrate the database and build the default model (idempotent)."""
    settings = app.settings
    settings.home.mkdir(parents=True, exist_ok=True)
    try:
        db = open_database(settings, migrated=False)
        before, after = upgrade(db)
    except Exception as exc:
        fail(f"cannot initialise the database: {exc}")
        raise
    state = "created" if before is None else ("already current" if before == after else f"migrated from {before}")
    click.echo(f"database {db.describe()}: schema {after} ({state})", err=True)
    model = active_scorer(settings)
    click.echo(f"active model: {model.version} (threshold {model.threshold:.3f})", err=True)
    from monitor.cli.evidence_commands import deployment_key
    click.echo(f"signing key: {deployment_key(app).public.fingerprint}", err=True)
    with db.session() as session:
        if before != after:
            append_audit(session, actor="cli", action="init", entity="database",
                         details={"from": before, "to": after})
    db.dispose()


def _open_input(path: str) -> tuple[IO[bytes], str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
        raise


@cli.command("import")
@click.argument("file")
@click.option("--source", "source_name", help="Attribute the posts to this configured source.")
@click.option("--no-classify", is_flag=True, help="Store only; score later with `pantau score`.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="Default: from the name.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def import_command(app: AppContext, file: str, source_name: str | None, no_classify: bool,
                   fmt: str | None, as_json: bool) -> None:
    """Store posts from an interchange JSONL or CSV file (- for stdin)."""
    db = open_db(app)
    source_id = None
    if source_name:
        with db.reader() as session:
            source_id = session.scalar(select(Source.id).where(Source.name == source_name))
        if source_id is None:
            fail(f"no source named {source_name!r} (see `pantau sources list`)")
    scorer = None if no_classify else active_scorer(app.settings)
    stream, name = _open_input(file)

    def report(line: LineResult) -> None:
        click.echo(f"{name}:{line.line}: rejected: {line.error}", err=True)

    with stream, err.status("importing…") as status:
        def progress(batch: IngestStats) -> None:
            progress.done += batch.received  # type: ignore[attr-defined]
            status.update(f"importing… {progress.done:,} posts")  # type: ignore[attr-defined]
        progress.done = 0  # type: ignore[attr-defined]
        stats = import_lines(db, read_interchange(stream, name=name, fmt=fmt), scorer=scorer,
                             source_id=source_id, on_error=report, on_batch=progress, origin=name)
    summary = stats.as_dict()
    if as_json:
        emit_json(summary)
    else:
        click.echo(", ".join(f"{k}: {v}" for k, v in summary.items()), err=True)
    db.dispose()
    raise SystemExit(1 if stats.rejected else 0)


@cli.command("score")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def score_command(app: AppContext, as_json: bool) -> None:
    """Score stored posts that have no score yet and queue the flagged ones."""
    from monitor.pipeline import score_unscored

    db = open_db(app)
    scorer = active_scorer(app.settings)
    with err.status("scoring…"):
        stats = score_unscored(db, scorer)
    with db.session() as session:
        append_audit(session, actor="cli", action="score", entity="posts",
                     details=stats.as_dict() | {"model_version": scorer.version})
    db.dispose()
    summary = {"scored": stats.scored, "flagged": stats.flagged, "queued": stats.queued,
               "model_version": scorer.version}
    if as_json:
        emit_json(summary)
    else:
        click.echo(", ".join(f"{k}: {v}" for k, v in summary.items()), err=True)


def collect_stats(db: Database, model_version: str | None) -> dict[str, Any]:
    with db.reader() as session:
        statuses = count_by_status(session)
        document: dict[str, Any] = {
            "posts": session.scalar(select(func.count()).select_from(Post)) or 0,
            "flagged": session.scalar(select(func.count()).select_from(Review)) or 0,
            **statuses,
            "sources": session.scalar(select(func.count()).select_from(Source)) or 0,
            "model_version": model_version,
        }
    return document


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def stats_command(app: AppContext, as_json: bool) -> None:
    """Counts of posts, flagged posts, review states and sources."""
    from classifier import NoActiveModel

    db = open_db(app)
    try:
        version: str | None = str(model_registry(app.settings).active().version)
    except NoActiveModel:
        version = None
    document = collect_stats(db, version)
    db.dispose()
    if as_json:
        emit_json(document)
        return
    for key, value in document.items():
        click.echo(f"{key:>14}: {value}")


@cli.group("review")
def review_group() -> None:
    """The review queue of flagged posts."""


@review_group.command("list")
@click.option("--status", type=click.Choice(REVIEW_STATUSES), default="pending", show_default=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def review_list(app: AppContext, status: str, limit: int, as_json: bool) -> None:
    """Queue items, highest score first."""
    db = open_db(app)
    with db.reader() as session:
        items = review_queue(session, status=status, limit=limit)
    db.dispose()
    if as_json:
        emit_json([item.as_dict() for item in items])
        return
    table = Table("id", "score", "status", "platform", "author", "text", "v")
    table.columns[5].overflow = "ellipsis"
    table.columns[5].no_wrap = True
    for item in items:
        table.add_row(str(item.id), f"{item.score:.3f}", item.status, item.platform,
                      item.author.get("handle") or item.author.get("name") or "",
                      item.text.replace("\n", " ")[:90], str(item.version))
    Console(markup=False, highlight=False).print(table)


@review_group.command("decide")
@click.argument("review_id", type=int)
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--reviewer", required=True, help="Who decides (recorded in the audit log).")
@click.option("--category", help="KASN category, for confirmed items.")
@click.option("--note", help="Free text kept with the decision.")
@click.option("--version", "expected_version", type=int,
              help="The item version you read; needed to change an already decided item.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def review_decide(app: AppContext, review_id: int, decision: str, reviewer: str,
                  category: str | None, note: str | None, expected_version: int | None,
                  as_json: bool) -> None:
    """Record a decision on a queue item."""
    from storage.records import CATEGORIES

    if category is not None and category not in CATEGORIES:
        fail(f"--category must be one of {', '.join(CATEGORIES)}")
    db = open_db(app)
    try:
        with db.session() as session:
            review = decide(session, review_id, decision=decision, reviewer=reviewer,
                            category=category, note=note, expected_version=expected_version)
            append_audit(session, actor=reviewer, action="review.decide", entity="review",
                         entity_id=review_id, details={"decision": decision, "category": category,
                                                       "note": note, "version": review.version})
    except (StaleDecision, ReviewNotFound, ValueError) as exc:
        fail(f"decision refused: {exc}", code=1)
    finally:
        db.dispose()
    if as_json:
        emit_json({"id": review.id, "status": review.status, "version": review.version})
    else:
        click.echo(f"item {review.id}: {review.status} (version {review.version})", err=True)


@cli.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@click.option("--anchor", "anchor", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A signed anchor from `pantau audit anchor`: also detect re-chaining and "
                   "truncation since it was taken.")
@pass_app
def audit_verify(app: AppContext, as_json: bool, anchor: Path | None) -> None:
    """Check the audit log's hash chain; non-zero exit naming the first broken entry."""
    from monitor.cli.evidence_commands import anchor_problems, trusted_anchor
    from monitor.evidence.text import _

    kept = trusted_anchor(app, anchor) if anchor is not None else None
    db = open_db(app)
    with db.reader() as session:
        count, broken = verify_chain(session)
        lost = anchor_problems(session, kept) if kept is not None else []
    db.dispose()
    if as_json:
        emit_json({"entries": count, "intact": broken is None and not lost,
                   "broken_entry": broken.entry_id if broken else None,
                   "reason": broken.reason if broken else None,
                   "anchor": None if anchor is None else {"path": str(anchor), "problems": lost}})
    elif broken is None and not lost:
        click.echo(f"audit log intact: {count} entries" + (_(" (matches the anchor)") if anchor else ""))
    else:
        for problem in lost:
            click.echo(_("audit log does not match the anchor {path}: {problem}").format(
                path=anchor, problem=problem), err=True)
        if broken is not None:
            click.echo(f"audit log BROKEN at entry {broken.entry_id}: {broken.reason}", err=True)
    if broken is not None or lost:
        raise SystemExit(1)


@cli.group("users")
def users_group() -> None:
    """People who may log in to the review app, and their roles."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["monitor", "lead", "data", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_app
def users_add(app: AppContext, name: str, role: str, password_stdin: bool) -> None:
    """Create a user (asks for the password unless --password-stdin)."""
    from storage.users import UserError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = open_db(app)
    try:
        with db.session() as session:
            create_user(session, name, password, role)
            append_audit(session, actor="cli", action="user.add", entity="user", entity_id=name,
                         details={"role": role})
    except UserError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    click.echo(f"user {name} added ({role})", err=True)
