"""`pantau sources …`, `pantau scrape`, `pantau posts list`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

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
from monitor.cli.tables import Column, render, render_notes
from monitor.config import ConfigError, SourceSpec, parse_duration

if TYPE_CHECKING:
    from monitor import sources as source_rows
    from monitor.services import ingest, posts, runtime, sources
else:
    ingest, posts = lazy("monitor.services.ingest"), lazy("monitor.services.posts")
    sources, runtime = lazy("monitor.services.sources"), lazy("monitor.services.runtime")
    source_rows = lazy("monitor.sources")


@cli.group("sources")
def sources_group() -> None:
    """Configured sources and their health."""


@sources_group.command("add")
@click.argument("name", help=N_("The new source's name."))
@click.option("--type", "source_type", required=True,
              help=N_("rss, telegram, mastodon, bluesky, html, jsonl, csv, url"))
@click.option("--url", required=True,
              help=N_("First page or endpoint (file paths allowed for jsonl/csv)."))
@click.option("--interval", help=N_("e.g. 15m (default scheduler.default_interval)."))
@click.option("--region", help=N_("Kabupaten/kota or province the source concerns."))
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help=N_("Type-specific option."))
@pass_app
def sources_add(app: AppContext, name: str, source_type: str, url: str, interval: str | None,
                region: str | None, options: tuple[str, ...]) -> None:
    """Add a source (a removed source of that name comes back, with its posts)."""
    db = open_db(app)
    try:
        with refusals():
            try:
                every = parse_duration(interval) if interval else None
            except ConfigError as exc:
                fail(error_text(exc))
            spec = SourceSpec(name=name, type=source_type, url=url, interval=every,
                              region=region, options=source_rows.parse_options(options))
            row = sources.add_source(db, app.actor(db), spec, app.settings)
    finally:
        db.dispose()
    click.echo(_("source {name} added ({type}, every {interval}s)").format(
        name=row.name, type=row.type, interval=f"{row.interval_seconds:g}"), err=True)


def _short(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@sources_group.command("list")
@click.option("--all", "include_removed", is_flag=True, help=N_("Also removed sources."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def sources_list(app: AppContext, include_removed: bool, as_json: bool) -> None:
    """Sources with health: last run, last success, last error, posts collected."""
    db = open_db(app)
    with refusals():
        rows = sources.list_sources(db, app.actor(db), include_removed=include_removed)
    db.dispose()
    if as_json:
        emit_json([source_rows.source_health(row) for row in rows])
        return
    columns = [Column(_("name"), 13), Column(_("type"), 8), Column(_("every"), 7, ">"),
               Column(_("last success"), 16), Column(_("fails"), 5, ">"),
               Column(_("posts"), 7, ">"), Column(_("last error"))]
    errors = [row.last_error_in(_) or "" for row in rows]
    click.echo(render(columns, [[
        row.name + ("" if row.enabled else " " + (_("(removed)") if row.removed
                                                   else _("(disabled)"))),
        row.type, f"{row.interval_seconds:g}s", _short(row.last_success_at),
        row.consecutive_failures, row.posts_collected, error]
        for row, error in zip(rows, errors, strict=True)]))
    notes = render_notes("\n" + _("Last errors in full:"),
                         [(row.name, error) for row, error in zip(rows, errors, strict=True)])
    if notes:  # the table's last column cuts them at 80 columns
        click.echo(notes)


@sources_group.command("remove")
@click.argument("name", help=N_("The source's name (see `pantau sources list`)."))
@pass_app
def sources_remove(app: AppContext, name: str) -> None:
    """Remove a source: it stops running; its posts and snapshots stay, listed under its name."""
    db = open_db(app)
    try:
        with refusals():
            sources.remove_source(db, app.actor(db), name)
    finally:
        db.dispose()
    click.echo(_("source {name} removed (its posts are kept)").format(name=name), err=True)


def _switch(app: AppContext, name: str, enabled: bool) -> None:
    db = open_db(app)
    try:
        with refusals():
            sources.set_enabled(db, app.actor(db), name, enabled)
    finally:
        db.dispose()
    message = _("source {name} enabled") if enabled else _("source {name} disabled")
    click.echo(message.format(name=name), err=True)


@sources_group.command("disable")
@click.argument("name", help=N_("The source's name (see `pantau sources list`)."))
@pass_app
def sources_disable(app: AppContext, name: str) -> None:
    """Stop running a source until it is enabled again."""
    _switch(app, name, False)


@sources_group.command("enable")
@click.argument("name", help=N_("The source's name (see `pantau sources list`)."))
@pass_app
def sources_enable(app: AppContext, name: str) -> None:
    """Run a disabled source again."""
    _switch(app, name, True)


@cli.command("scrape")
@click.argument("names", nargs=-1, help=N_("The sources to run (or --all)."))
@click.option("--all", "run_all", is_flag=True, help=N_("Every enabled source."))
@click.option("--no-classify", is_flag=True,
              help=N_("Store only; score later with `pantau score`."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def scrape_command(app: AppContext, names: tuple[str, ...], run_all: bool, no_classify: bool,
                   as_json: bool) -> None:
    """Run sources once now; prints per source: fetched = new + updated + unchanged +
    duplicates + rejected, flagged, errors."""
    # the errors in the reader's language (each a storage.errors.Message when it has a
    # template); --json keeps their English text, as `sources list --json` does
    if not names and not run_all:
        fail(_("name one or more sources, or pass --all"))
    settings = app.settings
    db = open_db(app)
    actor = app.actor(db)
    scorer = None if no_classify else runtime.active_scorer(settings)
    try:
        with refusals():
            try:
                reports = ingest.scrape_now(db, actor, names, settings, scorer=scorer)
            except ConfigError as exc:
                fail(error_text(exc))
    finally:
        db.dispose()
    if as_json:
        emit_json([r.as_dict() for r in reports])
    else:
        # fetched = new + updated + unchanged + duplicates + rejected (every run reconciles);
        # errors would be cut to nothing at 80 columns: they follow the table, in full
        columns = [Column(_("source"), 14), Column(_("fetched"), 7, ">"), Column(_("new"), 5, ">"),
                   Column(_("updated"), 7, ">"), Column(_("unchanged"), 7, ">"),
                   Column(_("duplicates"), 8, ">"), Column(_("rejected"), 7, ">"),
                   Column(_("flagged"), 7, ">")]
        click.echo(render(columns, [[
            r.name, r.fetched, r.new, r.updated, r.unchanged, r.duplicates, r.rejected, r.flagged]
            for r in reports]))
        notes = render_notes("\n" + _("Notes:"), [
            (r.name, "; ".join(text_in_language(e) for e in r.errors)
             or (_("not modified") if r.not_modified else "")) for r in reports])
        if notes:
            click.echo(notes)
    if any(not r.ok for r in reports):
        raise SystemExit(1)


@cli.group("posts")
def posts_group() -> None:
    """Collected posts."""


@posts_group.command("list")
@click.option("--source", "source_name", help=N_("Only posts of this source."))
@click.option("--flagged", is_flag=True, help=N_("Only posts the active model flagged."))
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True,
              help=N_("How many posts to list."))
@click.option("--after", type=click.IntRange(min=1), metavar="ID",
              help=N_("The page after this post id (the last one listed)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def posts_list(app: AppContext, source_name: str | None, flagged: bool, limit: int,
               after: int | None, as_json: bool) -> None:
    """Collected posts, newest first, as interchange records."""
    db = open_db(app)
    with refusals():
        items = posts.list_posts(db, app.actor(db), source=source_name, flagged=flagged,
                                 limit=limit, after=after)
    db.dispose()
    if as_json:
        emit_json([item.as_dict() for item in items])
        return
    columns = [Column(_("id"), 7, ">"), Column(_("source"), 14), Column(_("platform"), 9),
               Column(_("author"), 14), Column(_("score"), 7, ">"), Column(_("text"))]
    click.echo(render(columns, [[
        item.id, item.source or "-", item.record.platform, item.record.author.handle,
        "-" if item.score is None else f"{item.score:.3f}{' ⚑' if item.flagged else ''}",
        item.record.text] for item in items]))
