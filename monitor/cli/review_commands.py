"""`pantau review list|show|decide`: the review queue, one item in full, a decision."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import AppContext, _, cli, emit_json, lazy, open_db, pass_app, refusals
from monitor.cli.help_text import N_
from monitor.cli.labels import status_label
from monitor.cli.tables import Column, render
from storage.vocabulary import DECISIONS, REVIEW_STATUSES

if TYPE_CHECKING:
    from monitor.services import review
    from monitor.services.review import Decided, ItemDetail
else:
    review = lazy("monitor.services.review")


@cli.group("review")
def review_group() -> None:
    """The review queue of flagged posts."""


def _who(item: Any) -> str:
    return str(item.author.get("handle") or item.author.get("name") or "")


@review_group.command("list")
@click.option("--status", type=click.Choice(REVIEW_STATUSES), default="pending", show_default=True,
              help=N_("Only items with this status."))
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help=N_("How many items to list."))
@click.option("--after", type=click.IntRange(min=1), metavar="ID",
              help=N_("The page after this item id (the last one listed)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def review_list(app: AppContext, status: str, limit: int, after: int | None,
                as_json: bool) -> None:
    """Queue items, highest score first."""
    db = open_db(app)
    with refusals():
        items = review.queue(db, app.actor(db), status=status, limit=limit,
                             after=after)
    db.dispose()
    if as_json:
        emit_json([item.as_dict() for item in items])
        return
    columns = [Column(_("id"), 6, ">"), Column(_("score"), 5, ">"), Column(_("status"), 13),
               Column(_("platform"), 9), Column(_("author"), 14), Column(_("text")),
               Column(_("v"), 3, ">")]
    rows = [[item.id, f"{item.score:.3f}", status_label(item.status), item.platform, _who(item),
             item.text, item.version] for item in items]
    click.echo(render(columns, rows))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _document(detail: ItemDetail) -> dict[str, Any]:
    """The `review show --json` document: every field, datetimes as ISO 8601."""
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return plain(asdict(detail))  # type: ignore[no-any-return]


def _print_detail(d: ItemDetail) -> None:
    state = _("possibly deleted since {at}").format(at=_iso(d.post_status_changed_at)) \
        if d.post_status == "possibly_deleted" else _("online when last seen")
    source = d.source or "-"
    if d.source_removed:
        source += " " + _("(source removed)")
    lines = [
        _("item {id}: {status} (version {version}), score {score:.3f}").format(
            id=d.id, status=status_label(d.status), version=d.version, score=d.priority),
        _("post: {platform} {external_id} {url}").format(
            platform=d.platform, external_id=d.external_id, url=d.url or ""),
        _("source: {source}; region: {region}; {state}").format(
            source=source, region=d.region or "-", state=state),
    ]
    if d.author:
        lines.append(_("author: {handle} {name} — {bio}").format(
            handle=d.author.handle, name=d.author.name, bio=d.author.bio))
    lines += ["", d.text, ""]
    for version in d.versions[:-1]:
        lines.append(_("earlier text (version {version}, until {until}): {text}").format(
            version=version.version, until=_iso(version.replaced_at), text=version.text))
    for score in d.scores:
        terms = ", ".join(f"{t} {w:+.2f}" for t, w in score.explanation[:8])
        lines.append(_("score {score:.3f} by model {model} (threshold {threshold:.3f}): {terms}")
                     .format(score=score.score, model=score.model_version,
                             threshold=score.threshold, terms=terms))
    for step in d.decisions:
        lines.append(_("{at}: {reviewer} decided {decision} (was {previous}){note}").format(
            at=_iso(step.decided_at), reviewer=step.reviewer, decision=step.decision,
            previous=status_label(step.previous_status),
            note=f" — {step.note}" if step.note else ""))
    click.echo("\n".join(lines))


@review_group.command("show")
@click.argument("review_id", type=int,
                help=N_("The queue item's id (see `pantau review list`)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def review_show(app: AppContext, review_id: int, as_json: bool) -> None:
    """One item in full: post, author, scores with explanation, versions, decision trail."""
    db = open_db(app)
    with refusals():
        detail = review.show(db, app.actor(db), review_id)
    db.dispose()
    if as_json:
        emit_json(_document(detail))
    else:
        _print_detail(detail)


def _decided_message(result: Decided) -> str:
    if result.awaiting_second_review:
        return _("item {id}: confirmed, awaiting a second review by another lead (version "
                 "{version})").format(id=result.id, version=result.version)
    message = _("item {id}: {status} (version {version})").format(
        id=result.id, status=status_label(result.status), version=result.version)
    if result.case_id is not None:
        message += "; " + _("in case {case} (pantau cases show {case})").format(case=result.case_id)
    return message


@review_group.command("decide")
@click.argument("review_id", type=int,
                help=N_("The queue item's id (see `pantau review list`)."))
@click.option("--decision", type=click.Choice(DECISIONS), required=True,
              help=N_("confirmed: a violation; rejected: not a violation; escalated: for a lead to decide."))
@click.option("--category", help=N_("KASN category, for confirmed items."))
@click.option("--note", help=N_("Free text kept with the decision."))
@click.option("--version", "expected_version", type=int,
              help=N_("The item version you read; needed to change an already decided item."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def review_decide(app: AppContext, review_id: int, decision: str, category: str | None,
                  note: str | None, expected_version: int | None, as_json: bool) -> None:
    """Record a decision on a queue item, as the acting user (--as / PANTAU_USER)."""
    db = open_db(app)
    try:
        with refusals():
            result = review.decide(
                db, app.actor(db), review_id, decision=decision, category=category, note=note,
                expected_version=expected_version,
                second_review=app.settings.get("review.second_review"))
    finally:
        db.dispose()
    if as_json:
        emit_json({"id": result.id, "status": result.status, "version": result.version,
                   "awaiting_second_review": result.awaiting_second_review,
                   "reviewer": result.reviewer, "case_id": result.case_id})
    else:
        click.echo(_decided_message(result), err=True)
