"""Who may do what: one table of roles → rights, checked by every use case.

Flagged posts name real civil servants, so every door into Pantau (CLI, web app, scheduler)
asks the same question, `can(actor, right)`, of this one table. Templates may hide what a user
may not do, but the use cases refuse it.

Actors are the logged-in users (roles `monitor`, `lead`, `data`, `admin`), the local operator
(whoever has shell access to this installation, interfaces.md §5) and named system actors such as
the scheduler. The operator may administer but not decide once any user exists, so that every
decision is attributable to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Right", "Actor", "ROLES", "ROLE_RIGHTS", "OPERATOR_RIGHTS", "SYSTEM_RIGHTS",
    "can", "user_actor", "operator_actor", "system_actor",
]


class Right(StrEnum):
    VIEW_QUEUE = "view_queue"            # queue, post detail, posts list, review show
    DECIDE = "decide"                    # first decision on a pending item
    REDECIDE = "redecide"                # change a decided item
    SECOND_REVIEW = "second_review"      # complete (or reject) another monitor's confirmation
    BREAK_HOLD = "break_hold"            # take over an item held by someone else
    VIEW_DASHBOARD = "view_dashboard"
    EXPORT = "export"                    # evidence bundles, CSV/JSONL exports
    OTHERS_EXPORTS = "others_exports"    # see and download exports someone else asked for
    VIEW_REPORTS = "view_reports"        # the confidential channel (/lapor) reports
    VIEW_CASES = "view_cases"            # the case list and a case in full
    MANAGE_CASES = "manage_cases"        # record a case's follow-up steps
    VIEW_MODELS = "view_models"
    TRAIN = "train"
    PROMOTE = "promote"                  # promote / roll back the active model
    LABEL = "label"                      # the data team's labeling queue
    IMPORT = "import"                    # import files, score stored posts
    SCRAPE = "scrape"                    # run sources now
    MANAGE_SOURCES = "manage_sources"
    MANAGE_USERS = "manage_users"
    ADMINISTER = "administer"            # init, keys, audit verification, settings


ROLES = ("monitor", "lead", "data", "admin")

_MONITOR = frozenset({Right.VIEW_QUEUE, Right.DECIDE})
_LEAD = _MONITOR | {
    Right.REDECIDE, Right.SECOND_REVIEW, Right.BREAK_HOLD, Right.VIEW_DASHBOARD, Right.EXPORT,
    Right.VIEW_REPORTS, Right.VIEW_CASES, Right.MANAGE_CASES, Right.OTHERS_EXPORTS,
}
_DATA = frozenset({Right.VIEW_QUEUE, Right.VIEW_MODELS, Right.TRAIN, Right.PROMOTE, Right.LABEL})
_ALL = frozenset(Right)

ROLE_RIGHTS: dict[str, frozenset[Right]] = {
    "monitor": _MONITOR,
    "lead": frozenset(_LEAD),
    "data": _DATA,
    "admin": _ALL,
}

# The local operator administers; decisions, second reviews, case steps, labels and promotions
# need a named user once users exist (interfaces.md §5).
_PERSONAL = frozenset({
    Right.DECIDE, Right.REDECIDE, Right.SECOND_REVIEW, Right.BREAK_HOLD, Right.MANAGE_CASES,
    Right.LABEL, Right.PROMOTE,
})
OPERATOR_RIGHTS: frozenset[Right] = _ALL - _PERSONAL
SYSTEM_RIGHTS: frozenset[Right] = frozenset({Right.IMPORT, Right.SCRAPE, Right.VIEW_QUEUE})


@dataclass(frozen=True)
class Actor:
    """Who performs a use case; `name` is what the audit log records."""

    name: str
    kind: str                      # "user" | "operator" | "system"
    role: str | None = None        # for users: monitor | lead | data | admin
    user_id: int | None = None
    rights: frozenset[Right] = frozenset()

    @property
    def is_person(self) -> bool:
        return self.kind == "user"


def can(actor: Actor, right: Right) -> bool:
    return right in actor.rights


def user_actor(username: str, role: str, user_id: int) -> Actor:
    if role not in ROLE_RIGHTS:
        raise ValueError(f"unknown role {role!r}")
    return Actor(name=username, kind="user", role=role, user_id=user_id, rights=ROLE_RIGHTS[role])


def operator_actor(*, users_exist: bool) -> Actor:
    """The local operator; before any user exists it may also decide (a single-person install)."""
    rights = OPERATOR_RIGHTS if users_exist else _ALL
    return Actor(name="local", kind="operator", rights=rights)


def system_actor(name: str = "scheduler") -> Actor:
    return Actor(name=name, kind="system", rights=SYSTEM_RIGHTS)
