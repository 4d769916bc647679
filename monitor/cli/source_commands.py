"""`pantau sources …`, `pantau scrape`, `pantau posts list`."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from monitor.cli.app import AppContext, cli, emit_json, fail, open_db, pass_app
from monitor.config import ConfigError, SourceSpec, parse_duration
from monitor.posts_view import list_posts
from monitor.scrape import ScrapeReport, make_client, run_source
from monitor.services import active_scorer
from monitor.sources import (
    SourceError, add_source, list_sources, parse_options, remove_source, sync_config_sources,
)
from storage.models import Source

out = Console(markup=False, highlight=False)


@cli.group("sources")
def sources_group() -> None:
    """Configured sources and their health."""


@sources_group.command("add")
@click.argument("name")
@click.option("--type", "source_type", required=True, help="rss, telegram, mastodon, bluesky, html, jsonl, csv, url")
@click.option("--url", required=True, help="First page or endpoint (file paths allowed for jsonl/csv).")
@click.option("--interval", help="e.g. 15m (default scheduler.default_interval).")
@click.option("--region", help="Kabupaten/kota or province the source concerns.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Type-specific option.")
@pass_app
def sources_add(app: AppContext, name: str, source_type: str, url: str, interval: str | None,
                region: str | None, options: tuple[str, ...]) -> None:
    """Add a source."""
    db = open_db(app)
    try:
        spec = SourceSpec(name=name, type=source_type, url=url,
                          interval=parse_duration(interval) if interval else None,
                          region=region, options=parse_options(options))
        source = add_source(db, spec, app.settings)
    except (SourceError, ConfigError) as exc:
        fail(str(exc))
        raise
    finally:
        db.dispose()
    click.echo(f"source {source.name} added ({source.type}, every {source.interval_seconds:g}s)", err=True)


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def sources_list(app: AppContext, as_json: bool) -> None:
    """Sources with health: last run, last success, last error, posts collected."""
    db = open_db(app)
    rows = list_sources(db)
    db.dispose()
    if as_json:
        emit_json(rows)
        return
    table = Table("name", "type", "every", "last run", "last success", "fails", "posts", "last error")
    for row in rows:
        table.add_row(row["name"] + ("" if row["enabled"] else " (disabled)"), row["type"],
                      f"{row['interval']:g}s", _short(row["last_run"]), _short(row["last_success"]),
                      str(row["consecutive_failures"]), str(row["posts_collected"]),
                      (row["last_error"] or "")[:60])
    out.print(table)


def _short(value: str | None) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


@sources_group.command("remove")
@click.argument("name")
@pass_app
def sources_remove(app: AppContext, name: str) -> None:
    """Remove a source (its posts and snapshots are kept)."""
    db = open_db(app)
    try:
        remove_source(db, name)
    except SourceError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    click.echo(f"source {name} removed", err=True)


@cli.command("scrape")
@click.argument("names", nargs=-1)
@click.option("--all", "run_all", is_flag=True, help="Every enabled source.")
@click.option("--no-classify", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def scrape_command(app: AppContext, names: tuple[str, ...], run_all: bool, no_classify: bool,
                   as_json: bool) -> None:
    """Run sources once now; prints per source: fetched, new, updated, errors."""
    if not names and not run_all:
        fail("name one or more sources, or pass --all")
    settings = app.settings
    db = open_db(app)
    try:
        sync_config_sources(db, settings)
    except ConfigError as exc:
        fail(str(exc))
    with db.reader() as session:
        known = {s.name: s.enabled for s in session.scalars(select(Source))}
    missing = [n for n in names if n not in known]
    if missing:
        fail(f"no source named {', '.join(map(repr, missing))} (see `pantau sources list`)")
    targets = list(names) or sorted(n for n, enabled in known.items() if enabled)
    scorer = None if no_classify else active_scorer(settings)

    async def run_all_sources() -> list[ScrapeReport | BaseException]:
        async with make_client(settings) as client:
            return list(await asyncio.gather(*(
                run_source(db, name, client=client, scorer=scorer, settings=settings)
                for name in targets), return_exceptions=True))

    reports = []
    for name, outcome in zip(targets, asyncio.run(run_all_sources()), strict=True):
        if isinstance(outcome, BaseException):  # one source's crash must not hide the others
            outcome = ScrapeReport(name=name, ok=False,
                                   errors=[f"{type(outcome).__name__}: {outcome}"])
        reports.append(outcome)
    db.dispose()
    if as_json:
        emit_json([r.as_dict() for r in reports])
    else:
        table = Table("source", "fetched", "new", "updated", "flagged", "errors")
        for r in reports:
            table.add_row(r.name, str(r.fetched), str(r.new), str(r.updated), str(r.flagged),
                          "; ".join(r.errors)[:100] or ("not modified" if r.not_modified else "-"))
        out.print(table)
    if any(not r.ok for r in reports):
        raise SystemExit(1)


@cli.group("posts")
def posts_group() -> None:
    """Collected posts."""


@posts_group.command("list")
@click.option("--source", "source_name")
@click.option("--flagged", is_flag=True, help="Only posts the active model flagged.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def posts_list(app: AppContext, source_name: str | None, flagged: bool, limit: int, as_json: bool) -> None:
    """Collected posts, newest first, as interchange records."""
    db = open_db(app)
    items: list[dict[str, Any]] = list_posts(db, source=source_name, flagged=flagged, limit=limit)
    db.dispose()
    if as_json:
        emit_json(items)
        return
    table = Table("id", "source", "platform", "author", "score", "text")
    for item in items:
        score = item.get("score")
        table.add_row(str(item["id"]), item.get("source") or "-", item["platform"],
                      (item.get("author") or {}).get("handle", ""),
                      "-" if score is None else f"{score:.3f}{' ⚑' if item.get('flagged') else ''}",
                      item["text"].replace("\n", " ")[:80])
    out.print(table)
