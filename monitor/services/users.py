"""Users: who may log in, with which role, and who is acting.

`actor_for` turns a name given on the command line (`--as`, PANTAU_USER) into an Actor checked
against the users table; `authenticate` does the same for a web login. Administering users needs
`Right.MANAGE_USERS`; every change is audited and its users row bound to the entry.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from monitor.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from monitor.policy import Actor, Right, operator_actor, user_actor
from monitor.services.guard import require
from storage.audit import append_audit
from storage.bindings import row_binding
from storage.db import Database
from storage.errors import UserError, UserNotFound
from storage.users import (
    MIN_PASSWORD,
    ROLES,
    UserRow,
    count_users,
    create_user,
    find_user,
    set_password,
    update_user,
)
from storage.users import authenticate as check_password
from storage.users import list_users as all_users
from storage.web_sessions import end_user_sessions

__all__ = ["UserRow", "ROLES", "RESERVED_NAMES", "authenticate", "actor_for", "cli_actor",
           "any_users", "add_user", "set_role", "deactivate", "list_users", "change_own_password",
           "reset_password"]

# Names the audit log uses for non-persons: a user may not take one of them.
RESERVED_NAMES = frozenset({"local", "scheduler", "config", "migration", "cli", "system"})


def _actor(row: UserRow) -> Actor:
    return user_actor(row.username, row.role, row.id)


def authenticate(db: Database, username: str, password: str) -> Actor | None:
    """The active user with this password as an Actor, else None."""
    with db.reader() as session:
        row = check_password(session, username, password)
    return None if row is None else _actor(row)


def actor_for(db: Database, username: str) -> Actor:
    """The named active user; unknown or inactive → PermissionDenied."""
    with db.reader() as session:
        row = find_user(session, username)
    if row is None or not row.active:
        raise PermissionDenied(N_("{name} is not an active user (see `pantau users list`)"),
                               name=username)
    return _actor(row)


def any_users(db: Database) -> bool:
    with db.reader() as session:
        return count_users(session) > 0


def cli_actor(db: Database, username: str | None) -> Actor:
    """Who a command acts as: the named user, else the local operator (interfaces.md §5)."""
    if username:
        return actor_for(db, username)
    return operator_actor(users_exist=any_users(db))


def _audit(session: Session, actor: Actor, action: str, row: UserRow,
           details: dict[str, object]) -> None:
    append_audit(session, actor=actor.name, action=action, entity="user", entity_id=row.username,
                 details={**details, "rows": [row_binding(session, "users", row.id)]})


def add_user(db: Database, actor: Actor, username: str, password: str, role: str) -> UserRow:
    require(actor, Right.MANAGE_USERS)
    if username.lower() in RESERVED_NAMES:
        raise InvalidInput(N_("{name} is reserved for the audit log; choose another name"),
                           name=username)
    with db.session() as session:
        try:
            row = create_user(session, username, password, role)
        except UserError as exc:
            if find_user(session, username) is not None:
                raise Conflict(N_("user {name} already exists"), name=username) from None
            raise InvalidInput(exc.template, **exc.params) from None
        _audit(session, actor, "user.add", row, {"role": role})
    return row


def _change(db: Database, actor: Actor, username: str, action: str, *, role: str | None = None,
            active: bool | None = None) -> UserRow:
    require(actor, Right.MANAGE_USERS)
    if role is not None and role not in ROLES:
        raise InvalidInput(N_("role must be one of {choices}"), choices=", ".join(ROLES))
    with db.session() as session:
        try:
            before = find_user(session, username)
            row = update_user(session, username, role=role, active=active)
        except UserNotFound:
            raise NotFound(N_("no user named {name}"), name=username) from None
        assert before is not None
        details: dict[str, object] = {"role": row.role, "previous_role": before.role,
                                      "active": row.active}
        if active is False:  # a deactivated user's open web sessions end with the change
            details["sessions_ended"] = end_user_sessions(session, row.id, "deactivated")
        _audit(session, actor, action, row, details)
    return row


def set_role(db: Database, actor: Actor, username: str, role: str) -> UserRow:
    return _change(db, actor, username, "user.set_role", role=role)


def deactivate(db: Database, actor: Actor, username: str) -> UserRow:
    """The user can no longer log in or act (their web sessions end); their past decisions
    stay attributed to them."""
    if actor.kind == "user" and actor.name == username:
        raise InvalidInput(N_("you cannot deactivate yourself; ask another administrator"))
    return _change(db, actor, username, "user.deactivate", active=False)


def list_users(db: Database, actor: Actor) -> list[UserRow]:
    require(actor, Right.MANAGE_USERS)
    with db.reader() as session:
        return all_users(session)


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("a password needs at least {count} characters"), count=MIN_PASSWORD)


def change_own_password(db: Database, actor: Actor, current: str, new: str, *,
                        keep_token: str | None = None) -> UserRow:
    """A logged-in user replaces their own password, proving the current one; their other
    sessions end (a stolen session does not survive the change), `keep_token`'s stays."""
    if actor.kind != "user":
        raise PermissionDenied(N_("only a logged-in user can change their own password"))
    with db.session() as session:
        if check_password(session, actor.name, current) is None:
            raise InvalidInput(N_("the current password is wrong"))
        if current == new:
            raise InvalidInput(N_("the new password must differ from the current one"))
        _check_length(new)
        row = set_password(session, actor.name, new)
        ended = end_user_sessions(session, row.id, "password_changed", keep_token=keep_token)
        _audit(session, actor, "user.password_change", row, {"sessions_ended": ended})
    return row


def reset_password(db: Database, actor: Actor, username: str, new: str) -> UserRow:
    """An administrator sets someone's password (forgotten, or suspected known to others); all
    of that user's sessions end."""
    require(actor, Right.MANAGE_USERS)
    _check_length(new)
    with db.session() as session:
        try:
            row = set_password(session, username, new)
        except UserNotFound:
            raise NotFound(N_("no user named {name}"), name=username) from None
        ended = end_user_sessions(session, row.id, "password_reset")
        _audit(session, actor, "user.password_reset", row, {"sessions_ended": ended})
    return row
