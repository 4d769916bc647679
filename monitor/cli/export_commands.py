"""`pantau export` and `pantau verify`: evidence out of Pantau, and checking it later."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.app import AppContext, _, cli, emit_json, fail, lazy, open_db, pass_app, refusals
from storage.records import InvalidRecord, parse_datetime
from storage.vocabulary import REVIEW_STATUSES

if TYPE_CHECKING:
    from monitor import export
    from monitor.services import exports, runtime
else:
    export, exports = lazy("monitor.export"), lazy("monitor.services.exports")
    runtime = lazy("monitor.services.runtime")


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "bundle"]), required=True)
@click.option("--status", type=click.Choice(REVIEW_STATUSES), help="Only items with this status.")
@click.option("--since", help="Only items decided (or queued) since this date, e.g. 2024-11-01.")
@click.option("--region", help="Only posts about this region.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def export_command(app: AppContext, fmt: str, status: str | None, since: str | None,
                   region: str | None, out: Path, as_json: bool) -> None:
    """Export reviewed posts with their decisions; `bundle` writes an evidence ZIP."""
    try:
        since_at: datetime | None = parse_datetime(since) if since else None
    except InvalidRecord:
        fail(_("--since is not a date: {value!r} (use e.g. 2024-11-01)").format(value=since))
    db = open_db(app)
    try:
        with refusals():
            summary = exports.export(db, app.actor(db), fmt, out,
                                     export.ExportFilter(status=status, since=since_at, region=region))
    finally:
        db.dispose()
    if as_json:
        emit_json(summary)
        return
    message = _("exported {count} items to {path}").format(count=summary["items"], path=out)
    if "manifest_sha256" in summary:
        message += ", " + _("manifest sha256 {sha}").format(sha=summary["manifest_sha256"])
    click.echo(message, err=True)


@cli.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_app
def verify_command(app: AppContext, bundle: Path, as_json: bool) -> None:
    """Check an evidence bundle: exit 0 if intact, else name each altered, missing or extra file.

    Where this machine has Pantau's database, the manifest must also match an export recorded in
    its audit log (a re-hashed forgery passes the file check but not this one)."""
    check = export.verify_bundle(bundle)
    recorded, db_checked = None, False
    if check.manifest_sha256:
        try:
            db = runtime.open_database(app.settings)
        except Exception:  # no database here: the file check alone still stands
            db = None
        if db is not None:
            db_checked = True
            found = exports.recorded_export(db, check.manifest_sha256)
            recorded = {"audit_entry": found.audit_entry, "at": found.at} if found else None
            db.dispose()
    if check.intact and db_checked and recorded is None:
        check.intact = False
        check.problems.append(_("{manifest} is not recorded in this database's audit log: the "
                                "bundle was not exported from here, or its manifest was "
                                "rewritten").format(manifest=export.MANIFEST))
    if as_json:
        emit_json({"intact": check.intact, "problems": check.problems, "items": check.items,
                   "manifest_sha256": check.manifest_sha256, "recorded_export": recorded})
    else:
        for problem in check.problems:
            click.echo(problem, err=True)
        if check.intact:
            click.echo(_("intact: {count} items, manifest sha256 {sha}").format(
                count=check.items, sha=check.manifest_sha256))
            if recorded:
                click.echo(_("matches the export recorded in audit entry {id} at {at}").format(
                    id=recorded["audit_entry"], at=recorded["at"]))
    if not check.intact:
        raise SystemExit(1)
