"""Web sessions as use cases: logging in and out, the login rate limit, ending a user's
sessions, the page language a user chose, and the first administrator.

Failed logins are counted per user name and per client address over `web.login_window`; at
`web.login_max_failures` for a name (four times that for an address) further attempts are
refused without checking the password until the window passes, and the lock-out is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.config import Settings
from monitor.errors import Conflict, InvalidInput
from monitor.policy import Actor, operator_actor
from monitor.services.users import add_user, any_users, authenticate
from storage.audit import append_audit
from storage.db import Database
from storage.web_sessions import (
    SessionInfo,
    end_session,
    find_session,
    recent_failures,
    record_login_attempt,
    set_user_language,
    start_session,
    touch_session,
    user_language,
)

__all__ = [
    "FIRST_ADMIN",
    "LoginResult",
    "choose_language",
    "ensure_first_admin",
    "language_of",
    "live_session",
    "login",
    "logout",
]

FIRST_ADMIN = "admin"
ADDRESS_FACTOR = 4  # an address may fail for several people (an office behind one NAT)
TOUCH_EVERY = 60.0  # seconds between last-seen updates of one session


@dataclass(frozen=True)
class LoginResult:
    token: str | None
    session: SessionInfo | None
    locked: bool


def live_session(db: Database, settings: Settings, token: str) -> SessionInfo | None:
    """The live session a cookie names (not ended, not idle past `web.session_idle`, not past
    `web.session_max`, its user active); its last-seen time is moved at most once a minute, so
    a page view does not write."""
    if not token or len(token) > 200:
        return None
    with db.reader() as session:
        info = find_session(session, token, idle=settings.get("web.session_idle"))
    if info is not None and (datetime.now(UTC) - info.last_seen_at).total_seconds() > TOUCH_EVERY:
        with db.session() as session:
            touch_session(session, info.id)
    return info


def language_of(db: Database, user_id: int) -> str | None:
    """The page language a user chose, if any."""
    with db.reader() as session:
        return user_language(session, user_id)


def choose_language(db: Database, user_id: int, language: str) -> None:
    with db.session() as session:
        set_user_language(session, user_id, language)


def _locked(db: Database, settings: Settings, username: str, address: str) -> bool:
    window, limit = settings.get("web.login_window"), settings.get("web.login_max_failures")
    with db.reader() as session:
        by_user = recent_failures(session, "user", username, window=window)
        by_addr = recent_failures(session, "addr", address, window=window)
    return bool(by_user >= limit or by_addr >= limit * ADDRESS_FACTOR)


def _record_failure(db: Database, settings: Settings, username: str, address: str) -> None:
    window, limit = settings.get("web.login_window"), settings.get("web.login_max_failures")
    with db.session() as session:
        record_login_attempt(session, "user", username, succeeded=False)
        record_login_attempt(session, "addr", address, succeeded=False)
        if recent_failures(session, "user", username, window=window) == limit:
            append_audit(session, actor="web", action="auth.lockout", entity="user",
                         entity_id=username, details={"failures": limit, "window_s": window})
        if recent_failures(session, "addr", address, window=window) == limit * ADDRESS_FACTOR:
            append_audit(session, actor="web", action="auth.lockout", entity="address",
                         entity_id=address, details={"failures": limit * ADDRESS_FACTOR,
                                                     "window_s": window})


def login(db: Database, settings: Settings, username: str, password: str,
          address: str) -> LoginResult:
    """Check a login; on success a new session (token for the cookie)."""
    username = username.strip()[:100]
    if _locked(db, settings, username, address):
        return LoginResult(None, None, locked=True)
    actor = authenticate(db, username, password) if username and password else None
    if actor is None or actor.user_id is None:
        _record_failure(db, settings, username, address)
        return LoginResult(None, None, locked=_locked(db, settings, username, address))
    with db.session() as session:
        record_login_attempt(session, "user", username, succeeded=True)
        record_login_attempt(session, "addr", address, succeeded=True)
        token, info = start_session(session, actor.user_id, max_age=settings.get("web.session_max"))
        append_audit(session, actor=actor.name, action="auth.login", entity="web_session",
                     entity_id=info.id, details={})
    return LoginResult(token, info, locked=False)


def logout(db: Database, actor: Actor | None, token: str) -> None:
    with db.session() as session:
        if end_session(session, token, "logout") and actor is not None:
            append_audit(session, actor=actor.name, action="auth.logout", entity="user",
                         entity_id=actor.name, details={})


def ensure_first_admin(db: Database) -> str | None:
    """On a database without users, create `admin` with a random password and return it (to be
    printed once; only its argon2 hash is stored). Otherwise None."""
    if any_users(db):
        return None
    password = secrets.token_urlsafe(15)
    try:
        add_user(db, operator_actor(users_exist=False), FIRST_ADMIN, password, "admin")
    except (Conflict, InvalidInput):  # another process made it first
        return None
    return password
