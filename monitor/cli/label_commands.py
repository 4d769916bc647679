"""`pantau label next|set|export` and `pantau groups backfill`: the data team's labeling."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.app import AppContext, _, cli, emit_json, lazy, open_db, pass_app, refusals
from monitor.cli.help_text import N_
from monitor.cli.tables import Column, render

if TYPE_CHECKING:
    from monitor.services import groups, labels
else:
    labels = lazy("monitor.services.labels")
    groups = lazy("monitor.services.groups")


@cli.group("label")
def label_group() -> None:
    """The data team's labeling queue, labels and their export."""


@label_group.command("next")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help=N_("How many posts to list."))
@click.option("--seed", type=int, default=None, help=N_("Seed of the random share (reproducible)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def label_next(app: AppContext, limit: int, seed: int | None, as_json: bool) -> None:
    """The posts to label next: the least sure first, with a random share."""
    db = open_db(app)
    try:
        with refusals():
            items = labels.next_items(db, app.actor(db), limit,
                                      random_share=app.settings.get("label.random_share"),
                                      rng=random.Random(seed))
    finally:
        db.dispose()
    if as_json:
        emit_json([item.as_dict() for item in items])
        return
    columns = [Column(_("post"), 8), Column(_("score"), 6), Column(_("drawn"), 10),
               Column(_("copies"), 6), Column(_("author"), 16), Column(_("text"))]
    click.echo(render(columns, [[str(i.post_id), f"{i.score:.3f}",
                                 _("uncertain") if i.sampled_as == "uncertain" else _("random"),
                                 str(i.group_size), i.author, " ".join(i.text.split())[:80]]
                                for i in items]))


@label_group.command("set")
@click.argument("post_id", type=int, help=N_("The post's id (see `pantau label next`)."))
@click.option("--label", "value", type=click.Choice(["0", "1"]), required=True,
              help=N_("1: a violation (a positive); 0: not a violation (a negative)."))
@click.option("--category", default=None, help=N_("KASN category of a positive."))
@click.option("--hard-case", default=None, help=N_("Hard case of a negative (labeling guide)."))
@click.option("--sampled-as", type=click.Choice(["uncertain", "random", "chosen"]),
              default="chosen", show_default=True,
              help=N_("How the post was drawn (from `label next`)."))
@pass_app
def label_set(app: AppContext, post_id: int, value: str, category: str | None,
              hard_case: str | None, sampled_as: str) -> None:
    """Label one post 0 or 1 as the acting user."""
    db = open_db(app)
    try:
        with refusals():
            labels.set_label(db, app.actor(db), post_id, int(value), category=category,
                             hard_case=hard_case, sampled_as=sampled_as)
    finally:
        db.dispose()
    click.echo(_("post {id} labeled {label}").format(id=post_id, label=value), err=True)


@label_group.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=N_("The JSONL file to write."))
@pass_app
def label_export(app: AppContext, out: Path) -> None:
    """Write every current label as interchange JSON Lines."""
    db = open_db(app)
    try:
        with refusals():
            count = labels.export_labels(db, app.actor(db), out)
    finally:
        db.dispose()
    click.echo(_("{n} labels written to {path}").format(n=count, path=out), err=True)


@cli.group("groups")
def groups_group() -> None:
    """Near-duplicate groups of collected posts (coordinated messages)."""


@groups_group.command("backfill")
@click.option("--batch", type=click.IntRange(1, 100_000), default=2000, show_default=True,
              help=N_("Posts grouped per transaction (each is committed, so a stopped run resumes)."))
@pass_app
def groups_backfill(app: AppContext, batch: int) -> None:
    """Group the posts stored before grouping existed (resumable)."""
    db = open_db(app)
    try:
        with refusals():
            done = groups.backfill(db, app.actor(db), batch=batch)
    finally:
        db.dispose()
    click.echo(_("{n} posts grouped").format(n=done), err=True)
