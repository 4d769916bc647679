"""`pantau users add|list|set-role|set-password|deactivate`: who may log in, and with which role."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from monitor.cli.app import AppContext, _, cli, emit_json, lazy, open_db, pass_app, refusals
from monitor.cli.help_text import N_
from monitor.cli.tables import Column, render
from monitor.policy import ROLES

if TYPE_CHECKING:
    from monitor.services import users
else:
    users = lazy("monitor.services.users")


@cli.group("users")
def users_group() -> None:
    """People who may log in to the review app, and their roles."""


def _read_password(from_stdin: bool) -> str:
    """One line of standard input (scripts), or asked twice without echo (people)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt(_("Password"), hide_input=True, confirmation_prompt=True))


@users_group.command("add")
@click.argument("name", help=N_("The new user's name: 2 to 100 letters, digits or . _ @ -."))
@click.option("--role", type=click.Choice(ROLES), required=True,
              help=N_("monitor: review; lead: also second reviews, cases, exports; data: labels, models; admin: all."))
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard input."))
@pass_app
def users_add(app: AppContext, name: str, role: str, password_stdin: bool) -> None:
    """Create a user (asks for the password unless --password-stdin)."""
    password = _read_password(password_stdin)
    db = open_db(app)
    try:
        with refusals():
            users.add_user(db, app.actor(db), name, password, role)
    finally:
        db.dispose()
    click.echo(_("user {name} added ({role})").format(name=name, role=role), err=True)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def users_list(app: AppContext, as_json: bool) -> None:
    """Users, their roles and whether they may log in."""
    db = open_db(app)
    with refusals():
        rows = users.list_users(db, app.actor(db))
    db.dispose()
    if as_json:
        emit_json([{"username": u.username, "role": u.role, "active": u.active,
                    "created_at": u.created_at.isoformat()} for u in rows])
        return
    columns = [Column(_("user")), Column(_("role"), 8), Column(_("active"), 6),
               Column(_("created"), 19)]
    click.echo(render(columns, [[u.username, u.role, _("yes") if u.active else _("no"),
                                 f"{u.created_at:%Y-%m-%d %H:%M:%S}"] for u in rows]))


@users_group.command("set-role")
@click.argument("name", help=N_("The user's name (see `pantau users list`)."))
@click.option("--role", type=click.Choice(ROLES), required=True,
              help=N_("monitor: review; lead: also second reviews, cases, exports; data: labels, models; admin: all."))
@pass_app
def users_set_role(app: AppContext, name: str, role: str) -> None:
    """Change a user's role."""
    db = open_db(app)
    try:
        with refusals():
            users.set_role(db, app.actor(db), name, role)
    finally:
        db.dispose()
    click.echo(_("user {name} is now {role}").format(name=name, role=role), err=True)


@users_group.command("deactivate")
@click.argument("name", help=N_("The user's name (see `pantau users list`)."))
@pass_app
def users_deactivate(app: AppContext, name: str) -> None:
    """Stop a user from logging in or acting; their past decisions stay theirs."""
    db = open_db(app)
    try:
        with refusals():
            users.deactivate(db, app.actor(db), name)
    finally:
        db.dispose()
    click.echo(_("user {name} deactivated").format(name=name), err=True)


@users_group.command("set-password")
@click.argument("name", help=N_("The user's name (see `pantau users list`)."))
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard input."))
@pass_app
def users_set_password(app: AppContext, name: str, password_stdin: bool) -> None:
    """Set a user's password (forgotten, or known to others); their sessions end."""
    password = _read_password(password_stdin)
    db = open_db(app)
    try:
        with refusals():
            users.reset_password(db, app.actor(db), name, password)
    finally:
        db.dispose()
    click.echo(_("password of user {name} changed; their sessions have ended").format(name=name),
               err=True)
