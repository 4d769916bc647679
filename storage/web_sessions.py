"""Server-side web sessions and login attempts.

The browser's cookie holds a random token; the database keeps only its sha256, so a copy of the
database grants no logins. A session is valid while it has not ended, its absolute expiry has
not passed, it was used within the idle limit, and its user is still active — so deactivating a
user ends every one of their sessions at once, even before the rows are marked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import LoginAttempt, User, UserPreference, WebSession

__all__ = [
    "SessionInfo",
    "end_session",
    "end_user_sessions",
    "find_session",
    "prune_login_attempts",
    "recent_failures",
    "record_login_attempt",
    "set_user_language",
    "start_session",
    "token_hash",
    "touch_session",
    "user_language",
]


@dataclass(frozen=True)
class SessionInfo:
    id: int
    user_id: int
    username: str
    role: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user_id: int, *, max_age: float,
                  now: datetime | None = None) -> tuple[str, SessionInfo]:
    """A new session for this user: (cookie token, session)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    row = WebSession(token_sha256=token_hash(token), user_id=user_id,
                     csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now,
                     expires_at=now + timedelta(seconds=max_age))
    session.add(row)
    session.flush()
    info = find_session(session, token, idle=max_age, now=now)
    assert info is not None
    return token, info


def find_session(session: Session, token: str, *, idle: float,
                 now: datetime | None = None) -> SessionInfo | None:
    """The live session of this cookie token, else None (ended, expired, idle, user inactive)."""
    now = now or datetime.now(UTC)
    row = session.execute(
        select(WebSession, User.username, User.role)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_sha256 == token_hash(token), WebSession.ended_at.is_(None),
               WebSession.expires_at > now, User.active.is_(True))
    ).first()
    if row is None:
        return None
    web, username, role = row
    if web.last_seen_at + timedelta(seconds=idle) <= now:
        return None
    return SessionInfo(id=web.id, user_id=web.user_id, username=username, role=role,
                       csrf_token=web.csrf_token, created_at=web.created_at,
                       last_seen_at=web.last_seen_at, expires_at=web.expires_at)


def touch_session(session: Session, session_id: int, now: datetime | None = None) -> None:
    session.execute(update(WebSession).where(WebSession.id == session_id)
                    .values(last_seen_at=now or datetime.now(UTC)))


def end_session(session: Session, token: str, reason: str = "logout") -> bool:
    result = session.execute(
        update(WebSession).where(WebSession.token_sha256 == token_hash(token),
                                 WebSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC), end_reason=reason))
    return bool(getattr(result, "rowcount", 0))


def end_user_sessions(session: Session, user_id: int, reason: str, *,
                      keep_token: str | None = None) -> int:
    """End every open session of a user (deactivation, role change, new password) but the one
    whose token is `keep_token`; returns how many."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    if keep_token is not None:
        query = query.where(WebSession.token_sha256 != token_hash(keep_token))
    result = session.execute(query.values(ended_at=datetime.now(UTC), end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def record_login_attempt(session: Session, kind: str, key: str, *, succeeded: bool,
                         now: datetime | None = None) -> None:
    session.add(LoginAttempt(kind=kind, key=key[:200], at=now or datetime.now(UTC),
                             succeeded=succeeded))
    session.flush()


def recent_failures(session: Session, kind: str, key: str, *, window: float,
                    now: datetime | None = None) -> int:
    """Failed attempts within the window since the last success (a success resets the count)."""
    now = now or datetime.now(UTC)
    since = now - timedelta(seconds=window)
    last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.kind == kind, LoginAttempt.key == key[:200], LoginAttempt.succeeded.is_(True),
        LoginAttempt.at > since))
    start = max(since, last_ok) if last_ok else since
    return int(session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.kind == kind, LoginAttempt.key == key[:200],
        LoginAttempt.succeeded.is_(False), LoginAttempt.at > start)) or 0)


def prune_login_attempts(session: Session, *, older_than: float) -> int:
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than)
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def user_language(session: Session, user_id: int) -> str | None:
    return session.scalar(select(UserPreference.language).where(UserPreference.user_id == user_id))


def set_user_language(session: Session, user_id: int, language: str) -> None:
    row = session.get(UserPreference, user_id)
    if row is None:
        session.add(UserPreference(user_id=user_id, language=language))
    else:
        row.language = language
    session.flush()
