"""`pantau keys show` and `pantau audit anchor`: the deployment key and chain anchors; plus the
helpers `verify` and `audit verify --anchor` use to turn options into trust anchors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    AppContext,
    _,
    cli,
    emit_json,
    fail,
    lazy,
    open_db,
    pass_app,
    text_in_language,
)
from monitor.cli.data_commands import audit_group
from monitor.cli.help_text import N_
from storage.errors import os_reason

if TYPE_CHECKING:  # loaded when a command runs, so `pantau --help` stays light
    from monitor.evidence import anchor as anchors
    from monitor.evidence import keys, signature_check
    from monitor.evidence.anchor import Anchor
    from monitor.evidence.keys import DeploymentKey, PublicKey
    from monitor.evidence.signature_check import Trust
    from monitor.services import runtime
    from storage.db import Database
else:
    anchors, keys = lazy("monitor.evidence.anchor"), lazy("monitor.evidence.keys")
    signature_check = lazy("monitor.evidence.signature_check")
    runtime = lazy("monitor.services.runtime")

__all__ = ["anchor_problems", "database_at_hand", "deployment_key", "trust_from_option",
           "trusted_anchor"]


def anchor_problems(session: Any, kept: Anchor) -> list[str]:
    """What was re-chained or cut since the anchor `kept` (monitor.evidence.anchor)."""
    return list(anchors.anchor_problems(session, kept))


def deployment_key(app: AppContext) -> DeploymentKey:
    """This deployment's key, created on first need (and said so on stderr)."""
    try:
        key, created = keys.ensure_key(app.settings.home)
    except keys.KeyFileError as exc:
        fail(str(exc))
        raise
    if created:
        click.echo(_("created the deployment signing key {path} (fingerprint {key})").format(
            path=key.path, key=key.public.fingerprint), err=True)
    return key


def trust_from_option(value: str | None) -> Trust:
    """`--public-key FILE|FINGERPRINT`: an existing file is read as a PEM public key, anything
    else must be a SHA-256 fingerprint (64 hex digits, `SHA256:` and colons allowed)."""
    if value is None:
        return signature_check.Trust()
    path = Path(value)
    if path.is_file():
        try:
            return signature_check.Trust(key=keys.public_key_from_pem(path.read_bytes()[:65536]))
        except OSError as exc:
            fail(_("--public-key {value}: {reason}").format(
                value=value, reason=text_in_language(os_reason(exc))))
        except keys.KeyFileError as exc:
            fail(_("--public-key {value}: {reason}").format(value=value, reason=exc))
    fingerprint = keys.normalise_fingerprint(value)
    if fingerprint is None:
        fail(_("--public-key {value}: no such file, and not a SHA-256 fingerprint (64 hex "
               "digits)").format(value=ascii(value)))
    return signature_check.Trust(fingerprint=fingerprint)


def database_at_hand(app: AppContext) -> Database | None:
    """This machine's Pantau database if it has one; None (never an empty new SQLite file, nor
    an error) where there is none: a bundle's own checks stand without it."""
    from sqlalchemy.engine import make_url

    url = make_url(app.settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return None
    try:
        return runtime.open_database(app.settings)
    except Exception:  # noqa: BLE001 - unreachable server, old schema: no database at hand
        return None


def trusted_anchor(app: AppContext, path: Path) -> Anchor:
    """The anchor in `path` if this deployment's key signed it; else exit 2 with the reason."""
    try:
        key = keys.load_key(app.settings.home)
        if key is None:
            fail(_("no deployment key in {path}: cannot check who signed the anchor").format(
                path=app.settings.home))
            raise SystemExit(2)
        return anchors.read_anchor(path, key.public)
    except (keys.KeyFileError, anchors.AnchorError) as exc:
        fail(str(exc))
        raise


def _public(key: PublicKey) -> dict[str, str]:
    return {"algorithm": "Ed25519", "fingerprint": key.fingerprint,
            "public_key_pem": key.pem.decode("ascii")}


@cli.group("keys")
def keys_group() -> None:
    """The deployment's Ed25519 signing key (signs bundles and audit anchors)."""


@keys_group.command("show")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def keys_show(app: AppContext, as_json: bool) -> None:
    """Print the public key (PEM) and its SHA-256 fingerprint, to publish or hand to a court."""
    key = deployment_key(app)
    if as_json:
        emit_json(_public(key.public) | {"path": str(key.path)})
        return
    click.echo(key.public.pem.decode("ascii"), nl=False)
    click.echo(_("SHA-256 fingerprint: {key}").format(key=key.public.fingerprint))


@audit_group.command("anchor")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=N_("Where to write the signed anchor (keep it outside this machine)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def audit_anchor(app: AppContext, out: Path, as_json: bool) -> None:
    """Write the audit chain's head (entry, hash, time, count), signed with the deployment key;
    `pantau audit verify --anchor FILE` later detects re-chaining and truncation since."""
    key, db = deployment_key(app), open_db(app)
    try:
        anchor = anchors.write_anchor(db, key, out)
    except anchors.AnchorError as exc:
        fail(str(exc), code=1)
        raise
    except OSError as exc:
        fail(_("cannot write {path}: {reason}").format(
            path=out, reason=text_in_language(os_reason(exc))))
        raise
    finally:
        db.dispose()
    if as_json:
        emit_json({"out": str(out), "entry_id": anchor.entry_id, "hash": anchor.hash,
                   "entry_at": anchor.entry_at, "count": anchor.count,
                   "anchored_at": anchor.anchored_at, "key_fingerprint": anchor.key_fingerprint})
    else:
        where = (_("entry {id} ({count} entries, hash {hash})").format(
            id=anchor.entry_id, count=anchor.count, hash=anchor.hash)
            if anchor.entry_id is not None else _("its start (it is empty)"))
        click.echo(_("anchored the audit log at {where} in {path}; keep this file outside this "
                     "machine").format(where=where, path=out), err=True)
