"""`pantau cases list|show|update`: cases of confirmed findings and their follow-up."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from monitor.cli.app import AppContext, _, cli, emit_json, lazy, open_db, pass_app, refusals
from monitor.cli.labels import status_label
from monitor.cli.tables import Column, render
from monitor.errors import N_
from storage.vocabulary import CASE_STATUSES, CASE_STEPS

if TYPE_CHECKING:
    from monitor.services import cases
    from monitor.services.cases import CaseRecord, CaseSummary
else:
    cases = lazy("monitor.services.cases")

_CASE_STATUS = {
    "open": N_("open"), "reported": N_("reported"), "recommendation": N_("recommendation"),
    "sanction": N_("sanction"), "closed": N_("closed"),
}


def case_status_label(status: str | None) -> str:
    if status is None:
        return "-"
    return _(_CASE_STATUS[status]) if status in _CASE_STATUS else status


@cli.group("cases")
def cases_group() -> None:
    """Cases of confirmed findings and their follow-up to sanction (leads and admins)."""


def _local(value: datetime | None, zone: str) -> str:
    if value is None:
        return "-"
    return f"{value.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def _due(summary: CaseSummary | CaseRecord, zone: str) -> str:
    clock = summary.clock
    due = next((d.due_at for d in clock.deadlines if d.step == clock.next_step), None)
    return f"{due.astimezone(ZoneInfo(zone)):%Y-%m-%d}" if due else "-"


def _summary_document(summary: CaseSummary) -> dict[str, Any]:
    from storage.cases import json_ready

    document: dict[str, Any] = json_ready(asdict(summary))
    document["overdue"] = summary.clock.overdue
    document["next_step"] = summary.clock.next_step
    return document


@cases_group.command("list")
@click.option("--status", type=click.Choice(CASE_STATUSES), help=N_("Only cases in this state."))
@click.option("--overdue", is_flag=True, help=N_("Only cases with a step past its deadline."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def cases_list(app: AppContext, status: str | None, overdue: bool, as_json: bool) -> None:
    """Cases, the longest-known first, with the next step and its deadline."""
    db = open_db(app)
    try:
        with refusals():
            found = cases.list_cases(db, app.actor(db), deadlines=cases.deadlines_from(
                app.settings), status=status, overdue=overdue)
    finally:
        db.dispose()
    if as_json:
        emit_json([_summary_document(c) for c in found])
        return
    if not found:
        click.echo(_("no cases"), err=True)
        return
    zone = app.settings.get("web.timezone")
    columns = [Column(_("id"), 4, ">"), Column(_("status"), 12), Column(_("region"), 14),
               Column(_("items"), 5, ">"), Column(_("due by"), 10), Column(_("overdue"), 9),
               Column(_("terlapor"))]
    rows = [[c.id, case_status_label(c.status), c.region or "-", c.posts, _due(c, zone),
             _("yes") if c.clock.overdue else "", c.handle or c.name or "-"]
            for c in found]
    click.echo(render(columns, rows))


def _print_case(record: CaseRecord, zone: str) -> None:
    person = record.terlapor
    lines = [
        _("case {id}: {status}, region {region}").format(
            id=record.id, status=case_status_label(record.status), region=record.region or "-"),
        _("opened {at} by {actor}; known since {known} ({days} days)").format(
            at=_local(record.opened_at, zone), actor=record.opened_by,
            known=_local(record.known_at, zone), days=record.clock.days_since_known),
    ]
    if person is not None:
        lines.append(_("terlapor: {handle} {name}; position: {position}; agency: {agency}")
                     .format(handle=person.handle or "-", name=person.name or "",
                             position=person.position or "-", agency=person.agency or "-"))
    lines.append("")
    for post in record.posts:
        lines.append(_("item {id} ({status}): {platform} {url} — {text}").format(
            id=post.review_id, status=status_label(post.review_status), platform=post.platform,
            url=post.url or post.external_id, text=" ".join(post.text.split())[:200]))
    lines.append("")
    for deadline in record.clock.deadlines:
        if deadline.done_on is not None:
            state = _("done on {date}").format(date=deadline.done_on.isoformat())
            if deadline.late:
                state += " " + _("(late)")
        elif deadline.overdue:
            state = _("OVERDUE")
        elif record.clock.next_step is None:
            state = "-"
        elif deadline.due_at is None:
            state = _("after the step before")
        else:
            state = _("not yet")
        lines.append(_("{step}: due by {due} — {state}").format(
            step=case_status_label(deadline.step), due=_local(deadline.due_at, zone),
            state=state))
    for step in record.steps:
        extra = "; ".join(x for x in (step.reference, step.note) if x)
        lines.append(_("{on}: {step} (recorded by {actor} at {at}){extra}").format(
            on=step.happened_on.isoformat(), step=case_status_label(step.step), actor=step.actor,
            at=_local(step.recorded_at, zone), extra=f" — {extra}" if extra else ""))
    lines.append(_("next step: {step}").format(step=case_status_label(record.clock.next_step)))
    click.echo("\n".join(lines))


@cases_group.command("show")
@click.argument("case_id", type=int, help=N_("The case's id (see `pantau cases list`)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def cases_show(app: AppContext, case_id: int, as_json: bool) -> None:
    """One case in full: terlapor, posts, deadlines, steps, history."""
    db = open_db(app)
    try:
        with refusals():
            record = cases.show_case(db, app.actor(db), case_id,
                                     deadlines=cases.deadlines_from(app.settings))
    finally:
        db.dispose()
    if as_json:
        from storage.cases import case_document

        emit_json(case_document(record))
    else:
        _print_case(record, app.settings.get("web.timezone"))


@cases_group.command("update")
@click.argument("case_id", type=int, help=N_("The case's id (see `pantau cases list`)."))
@click.option("--step", type=click.Choice(CASE_STEPS), required=True,
              help=N_("The step that happened; steps go reported, recommendation, sanction, "
                      "closed (closing earlier needs --note)."))
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help=N_("The day it happened (default: today in web.timezone)."))
@click.option("--reference", metavar="R",
              help=N_("Reference number (needed for reported: the Bawaslu/KASN registration)."))
@click.option("--note", metavar="T",
              help=N_("For recommendation: its content; for sanction: the kind of sanction the PPK "
                      "imposed; for closed: why (needed when closing early)."))
@pass_app
def cases_update(app: AppContext, case_id: int, step: str, on: datetime | None,
                 reference: str | None, note: str | None) -> None:
    """Record a case's next follow-up step, as the acting user (--as / PANTAU_USER)."""
    db = open_db(app)
    try:
        with refusals():
            record = cases.record_step(
                db, app.actor(db), case_id, step=step, on=on.date() if on else None,
                reference=reference, note=note, deadlines=cases.deadlines_from(app.settings),
                zone=app.settings.get("web.timezone"))
    finally:
        db.dispose()
    click.echo(_("case {id}: {step} recorded; next step: {next}").format(
        id=record.id, step=case_status_label(step),
        next=case_status_label(record.clock.next_step)), err=True)
