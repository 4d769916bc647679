"""Users and roles. Passwords are stored only as argon2id hashes.

Roles decide who may do what (flagged posts name real civil servants): see ROLE_PERMISSIONS.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import User

__all__ = ["ROLES", "ROLE_PERMISSIONS", "UserError", "create_user", "authenticate", "can"]

ROLES = ("monitor", "lead", "data", "admin")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "monitor": frozenset({"see", "decide"}),
    "lead": frozenset({"see", "decide", "export"}),
    "data": frozenset({"see", "retrain"}),
    "admin": frozenset({"see", "decide", "export", "retrain", "administer"}),
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
_hasher = PasswordHasher()


class UserError(ValueError):
    """A user that cannot be created as asked; the message is for the user."""


def can(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def create_user(session: Session, username: str, password: str, role: str) -> User:
    if not _USERNAME.match(username):
        raise UserError("a user name has 2 to 100 letters, digits or . _ @ -")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise UserError("a password needs at least 10 characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role, active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, else None (same cost whether or not the user exists)."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")
