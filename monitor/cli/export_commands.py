"""`pantau export` and `pantau verify`: evidence out of Pantau, and checking it later."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from monitor.cli.app import AppContext, _, cli, emit_json, fail, lazy, open_db, pass_app, refusals
from monitor.cli.help_text import N_
from storage.records import InvalidRecord, parse_datetime
from storage.vocabulary import REVIEW_STATUSES

if TYPE_CHECKING:
    from monitor import export
    from monitor.services import exports
else:
    export, exports = lazy("monitor.export"), lazy("monitor.services.exports")


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "bundle"]), required=True,
              help=N_("csv or jsonl: the posts and their decisions; bundle: a signed evidence ZIP."))
@click.option("--status", type=click.Choice(REVIEW_STATUSES),
              help=N_("Only items with this status (default: every reviewed item, not pending)."))
@click.option("--since",
              help=N_("Only items decided (or queued) since this date, e.g. 2024-11-01."))
@click.option("--region", help=N_("Only posts about this region (any letter case)."))
@click.option("--excel", is_flag=True,
              help=N_("CSV for spreadsheets: UTF-8 with BOM, local times, column headers in words."))
@click.option("--out", "out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              required=True, help=N_("The file to write, or - for standard output."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def export_command(app: AppContext, fmt: str, status: str | None, since: str | None,
                   region: str | None, excel: bool, out: Path, as_json: bool) -> None:
    """Export reviewed posts with their decisions; `bundle` writes an evidence ZIP."""
    try:
        since_at: datetime | None = parse_datetime(since) if since else None
    except InvalidRecord:
        fail(_("--since is not a date: {value!r} (use e.g. 2024-11-01)").format(value=since))
    if excel and fmt != "csv":
        fail(_("--excel applies to --format csv only"))
    from monitor.cli.evidence_commands import deployment_key

    key = deployment_key(app) if fmt == "bundle" else None
    from monitor.evidence.timestamps import authority  # trusted timestamp, when configured
    from monitor.services.cases import deadlines_from

    zone = app.settings.get("web.timezone")
    target: Path | BinaryIO = sys.stdout.buffer if str(out) == "-" else out
    db = open_db(app)
    try:
        with refusals(), authority(app.settings.get("evidence.tsa_url")), \
                _progress_bar() as progress:
            summary = exports.export(db, app.actor(db), fmt, target,
                                     export.ExportFilter(status=status, since=since_at, region=region),
                                     signing_key=key, progress=progress, zone=zone, excel=excel,
                                     deadlines=deadlines_from(app.settings))
    finally:
        db.dispose()
    if summary["items"] == 0:
        click.echo(_("no items matched the filter: the export is empty"), err=True)
    if as_json:
        if target is out:
            emit_json(summary)
        else:  # stdout holds the export itself
            click.echo(json.dumps(summary, ensure_ascii=False, default=str), err=True)
        return
    shown = "-" if target is not out else str(out)
    message = _("exported {count} items to {path}").format(count=summary["items"], path=shown)
    if "manifest_sha256" in summary:
        message += ", " + _("manifest sha256 {sha}").format(sha=summary["manifest_sha256"])
    click.echo(message, err=True)
    if summary.get("pdf") is False:
        click.echo(_("PDF reports are missing (Chromium was not available); the HTML reports "
                     "are in the bundle"), err=True)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("exporting"), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
        yield update


@cli.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help=N_("The evidence ZIP to check (from `pantau export --format bundle`)."))
@click.option("--public-key", "public_key", metavar="FILE|FINGERPRINT",
              help=N_("The exporting deployment's public key (PEM file) or its SHA-256 fingerprint "
                      "(`pantau keys show`): proves who exported, not only that nothing changed."))
@click.option("--tsa-cert", "tsa_cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=N_("The time-stamping authority's certificate (PEM): the bundle's trusted "
                      "timestamp must be signed under it."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def verify_command(app: AppContext, bundle: Path, public_key: str | None, as_json: bool,
                   tsa_cert: Path | None = None) -> None:
    """Check an evidence bundle: every file against the manifest, the manifest against its
    signature; exit 0 only if intact and signed by the given key (or, with none given, by the
    key inside the bundle, said plainly). Where this machine has Pantau's database, the manifest
    must also match an export recorded on an intact stretch of its audit chain."""
    from monitor.cli.evidence_commands import database_at_hand, trust_from_option
    from monitor.evidence.audit_check import check_export_record
    from monitor.evidence.text import _
    from monitor.evidence.verify import verify_bundle_file

    check = verify_bundle_file(bundle, trust_from_option(public_key),
                               tsa_certs=_tsa_certificates(tsa_cert))
    recorded = None
    if check.manifest_sha256:
        db = database_at_hand(app)
        if db is not None:
            signer = check.signature.key_fingerprint if check.signature else None
            with db.reader() as session:
                recorded = check_export_record(session, check.manifest_sha256, signer)
            db.dispose()
    if recorded is not None and recorded.problems:
        check.intact = False
        check.problems.extend(recorded.problems)
    if as_json:
        emit_json({"intact": check.intact, "problems": check.problems, "items": check.items,
                   "manifest_sha256": check.manifest_sha256,
                   "signature": check.signature.as_dict() if check.signature else None,
                   "timestamp": check.timestamp.as_dict() if check.timestamp else None,
                   "database_checked": recorded is not None,
                   "recorded_export": recorded.as_dict() if recorded else None})
    else:
        for problem in check.problems:
            click.echo(problem, err=True)
        if check.intact:
            click.echo(_("intact: {count} items, manifest sha256 {sha}").format(
                count=check.items, sha=check.manifest_sha256))
            if check.signature:
                click.echo(check.signature.message)
            if check.timestamp:
                click.echo(check.timestamp.message)
            if recorded is not None and recorded.entry_id is not None:
                click.echo(_("matches the export recorded in audit entry {id} at {at}, on an "
                             "audit chain intact up to it ({count} entries)").format(
                                 id=recorded.entry_id, at=recorded.at,
                                 count=recorded.chain_entries))
            elif recorded is None:
                click.echo(_("no Pantau database here: the audit log was not checked"))
    if not check.intact:
        raise SystemExit(1)


def _tsa_certificates(path: Path | None) -> list[Any]:
    """`--tsa-cert FILE`: the authority's certificate(s), PEM or DER; exit 2 if unreadable."""
    if path is None:
        return []
    from monitor.evidence.timestamps import load_certificates

    try:
        return load_certificates(path.read_bytes()[:1_000_000])
    except (OSError, ValueError) as exc:
        fail(_("--tsa-cert {path}: not a certificate: {reason}").format(path=path, reason=exc))
