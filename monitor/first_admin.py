"""The first run's administrator: on a database without users, `admin` with a random password
printed once on the console (only its argon2 hash is stored)."""

from __future__ import annotations

import logging

from monitor.i18n import cli_language, gettext_for
from monitor.services.sessions import ensure_first_admin
from storage.db import Database

__all__ = ["announce_first_admin"]

log = logging.getLogger("pantau.web")


def announce_first_admin(db: Database) -> None:
    """On a database without users, create `admin` and print its one-time password."""
    try:
        password = ensure_first_admin(db)
    except Exception as exc:  # noqa: BLE001 — no schema yet, database down: the app still serves /healthz
        log.warning("first-run admin check skipped: %s", exc)
        return
    if password:
        _ = gettext_for(cli_language(), "cli")
        print(_("Pantau: no users yet, so an administrator was created.") + "\n  "
              + _("user: {user}   password: {password}").format(user="admin", password=password)
              + "\n  " + _("(shown only now; log in at /login and add real accounts)"), flush=True)
