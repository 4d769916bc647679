"""Users and their roles. Passwords are stored only as argon2id hashes.

What each role may do is decided in monitor/policy.py (the one rights table); this module only
keeps the rows: who exists, with which role, and whether they may still log in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.errors import N_, UserError, UserNotFound
from storage.models import User

__all__ = ["ROLES", "UserError", "UserNotFound", "UserRow", "create_user", "authenticate",
           "find_user", "list_users", "count_users", "update_user", "set_password",
           "MIN_PASSWORD"]

ROLES = ("monitor", "lead", "data", "admin")
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    role: str
    active: bool
    created_at: datetime


def _row(user: User) -> UserRow:
    return UserRow(user.id, user.username, user.role, user.active, user.created_at)


def _check(username: str, password: str, role: str) -> None:
    if not _USERNAME.match(username):
        raise UserError(N_("a user name has 2 to 100 letters, digits or . _ @ -"))
    if role not in ROLES:
        raise UserError(N_("role must be one of {choices}"), choices=", ".join(ROLES))
    if len(password) < MIN_PASSWORD:
        raise UserError(N_("a password needs at least {count} characters"), count=MIN_PASSWORD)


def create_user(session: Session, username: str, password: str, role: str) -> UserRow:
    _check(username, password, role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(N_("user {name!r} already exists"), name=username)
    user = User(username=username, password_hash=_hasher.hash(password), role=role, active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return _row(user)


def find_user(session: Session, username: str) -> UserRow | None:
    user = session.scalar(select(User).where(User.username == username))
    return None if user is None else _row(user)


def list_users(session: Session) -> list[UserRow]:
    return [_row(u) for u in session.scalars(select(User).order_by(User.username))]


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def update_user(session: Session, username: str, *, role: str | None = None,
                active: bool | None = None) -> UserRow:
    """Change a user's role or active flag; returns the row as it is now."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserNotFound(N_("no user named {name!r}"), name=username)
    if role is not None:
        if role not in ROLES:
            raise UserError(N_("role must be one of {choices}"), choices=", ".join(ROLES))
        user.role = role
    if active is not None:
        user.active = active
    session.flush()
    return _row(user)


def set_password(session: Session, username: str, password: str) -> UserRow:
    """Store a new argon2 hash for the user's password; returns the row as it is now."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserNotFound(N_("no user named {name!r}"), name=username)
    if len(password) < MIN_PASSWORD:
        raise UserError(N_("a password needs at least {count} characters"), count=MIN_PASSWORD)
    user.password_hash = _hasher.hash(password)
    session.flush()
    return _row(user)


def authenticate(session: Session, username: str, password: str) -> UserRow | None:
    """The active user with this password, else None (same cost whether or not the user exists)."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return _row(user)


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so that they cost what a real one does. Made
    on the first login attempt, not at import: every command imports this module, and one
    argon2 hash is most of a CLI start-up."""
    return _hasher.hash("timing-equaliser-not-a-password")
