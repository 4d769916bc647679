"""Audit-chain anchors: the chain head, signed with the deployment key, kept outside the database.

Whoever can write to the database can rewrite the whole chain consistently (re-chain it), cut
its tail, or empty it, and `audit verify` alone would call the result intact. An anchor taken
earlier and kept elsewhere (another machine, a printout, an e-mail to the supervisors) shows it:
the anchored entry must still be there with the same hash, and the log must hold as many entries
up to it as it did. Anchors are only as good as their frequency: take them on a schedule
(`write_anchor_into`) and at every important moment (`pantau audit anchor --out FILE`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from monitor.evidence.keys import DeploymentKey, KeyFileError, PublicKey, ensure_key
from monitor.evidence.text import _, said
from storage.audit_anchor import audit_row, chain_head, count_through, verify_chain_through
from storage.db import Database
from storage.errors import os_reason

__all__ = [
    "ANCHOR_FORMAT",
    "Anchor",
    "AnchorError",
    "anchor_job",
    "anchor_problems",
    "read_anchor",
    "take_anchor",
    "write_anchor",
    "write_anchor_into",
]

log = logging.getLogger(__name__)
ANCHOR_FORMAT = "pantau-audit-anchor/1"
_MAX_ANCHOR_BYTES = 65536


class AnchorError(Exception):
    """An anchor file that cannot be trusted or read: say so, never guess."""


@dataclass(frozen=True)
class Anchor:
    entry_id: int | None
    hash: str | None
    entry_at: str | None
    count: int
    anchored_at: str
    key_fingerprint: str
    format: str = ANCHOR_FORMAT


def _payload(anchor: Anchor) -> bytes:
    return json.dumps(asdict(anchor), sort_keys=True, separators=(",", ":")).encode()


def take_anchor(db: Database, key: DeploymentKey) -> tuple[Anchor, bytes]:
    """(the current chain head as an anchor, the signed anchor document). A broken chain is
    never anchored: that would vouch for the tampering (AnchorError names the break)."""
    with db.reader() as session:
        head = chain_head(session)
        broken = verify_chain_through(session, head.entry_id)[1] if head.entry_id else None
    if broken is not None:
        raise AnchorError(_("the audit log is broken at entry {id}: {reason}; not anchored")
                          .format(id=broken.entry_id, reason=broken.reason))
    anchor = Anchor(head.entry_id, head.hash, head.at.isoformat() if head.at else None, head.count,
                    datetime.now(UTC).isoformat(), key.public.fingerprint)
    document = asdict(anchor) | {
        "signature": base64.b64encode(key.sign(_payload(anchor))).decode("ascii"),
        "public_key": key.public.pem.decode("ascii")}
    return anchor, (json.dumps(document, indent=2) + "\n").encode()


def write_anchor(db: Database, key: DeploymentKey, out: Path) -> Anchor:
    """Write the signed anchor to `out` atomically (a crash never leaves half an anchor)."""
    anchor, body = take_anchor(db, key)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        tmp.write_bytes(body)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return anchor


def write_anchor_into(db: Database, key: DeploymentKey, directory: Path) -> Path:
    """One new anchor file in `directory`, named by time (for a periodic job)."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"audit-anchor-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
    write_anchor(db, key, out)
    return out


def anchor_job(db: Database, home: Path, directory: Path) -> Path | None:
    """One periodic anchor, for the scheduler: never raises into it. A broken chain, a key or
    disk problem is logged as an error (health should show it) and nothing is written."""
    try:
        key, _created = ensure_key(home)
        out = write_anchor_into(db, key, directory)
    except (AnchorError, KeyFileError, OSError) as exc:
        log.error("audit anchor not written: %s", exc)
        return None
    log.info("audit anchor written to %s", out)
    return out


def read_anchor(path: Path, trusted: PublicKey) -> Anchor:
    """The anchor in `path`, if `trusted` signed it; AnchorError otherwise."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_ANCHOR_BYTES + 1)
    except OSError as exc:
        raise AnchorError(_("cannot read the anchor {path}: {reason}").format(
            path=path, reason=said(os_reason(exc)))) from exc
    if len(raw) > _MAX_ANCHOR_BYTES:
        raise AnchorError(_("{path} is too large to be an anchor").format(path=path))
    anchor, signature = _parse(raw, path)
    if anchor.key_fingerprint != trusted.fingerprint or not trusted.verifies(signature,
                                                                             _payload(anchor)):
        raise AnchorError(_("{path} is not signed by this deployment's key {key}: it was "
                            "altered, or it comes from another deployment").format(
                                path=path, key=trusted.fingerprint))
    return anchor


def _parse(raw: bytes, path: Path) -> tuple[Anchor, bytes]:
    try:
        document: dict[str, Any] = json.loads(raw)
        if document.get("format") != ANCHOR_FORMAT:
            raise ValueError("unknown format")
        fields = {name: document[name] for name in Anchor.__dataclass_fields__}
        anchor = Anchor(**fields)
        _check_types(anchor)
        return anchor, base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise AnchorError(_("{path} is not a Pantau audit anchor ({reason})").format(
            path=path, reason=exc)) from exc


def _check_types(anchor: Anchor) -> None:
    if not (isinstance(anchor.count, int) and anchor.count >= 0
            and (anchor.entry_id is None or isinstance(anchor.entry_id, int))
            and (anchor.hash is None or isinstance(anchor.hash, str))
            and (anchor.entry_id is None) == (anchor.count == 0)):
        raise ValueError("fields of the wrong type")


def anchor_problems(session: Session, anchor: Anchor) -> list[str]:
    """What the database lost or rewrote since the anchor was taken (empty if nothing)."""
    if anchor.entry_id is None:
        return []  # the log was empty when anchored: nothing to lose yet
    row, now = audit_row(session, anchor.entry_id), count_through(session, None)
    fields = {"id": anchor.entry_id, "at": anchor.anchored_at, "count": anchor.count,
              "hash": anchor.hash, "now": now}
    if row is None:
        state = (_("the log is empty") if now == 0
                 else _("the log now holds {now} entries").format(now=now))
        return [_("truncated: entry {id} (anchored at {at}) is gone; {state}, the anchor counted "
                  "{count}").format(state=state, **fields)]
    problems = []
    if row.hash != anchor.hash:
        problems.append(_("re-chained: entry {id} now has hash {new}, the anchor (taken at {at}) "
                          "says {hash}").format(new=row.hash, **fields))
    before = count_through(session, anchor.entry_id)
    if before < anchor.count:
        problems.append(_("truncated: {before} entries up to entry {id}, the anchor (taken at "
                          "{at}) counted {count}").format(before=before, **fields))
    elif before > anchor.count:
        problems.append(_("entries inserted: {before} entries up to entry {id}, the anchor "
                          "(taken at {at}) counted {count}").format(before=before, **fields))
    return problems
