"""Users through the use case: who may administer them, who is acting, one audit entry each."""

from __future__ import annotations

import pytest
from services_helpers import audit_count, last_audit, person

from monitor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from monitor.policy import Right, can, operator_actor
from monitor.services import users
from storage.db import Database

PASSWORD = "rahasia-panjang-1"


def test_the_operator_adds_users_who_then_log_in_and_act(db: Database) -> None:
    local = operator_actor(users_exist=users.any_users(db))
    assert not users.any_users(db)
    row = users.add_user(db, local, "sari", PASSWORD, "monitor")
    assert (row.username, row.role, row.active) == ("sari", "monitor", True)
    entry = last_audit(db)
    assert (entry.actor, entry.action, entry.entity_id) == ("local", "user.add", "sari")
    assert users.any_users(db)
    actor = users.authenticate(db, "sari", PASSWORD)
    assert actor is not None and actor.name == "sari" and can(actor, Right.DECIDE)
    assert users.authenticate(db, "sari", "salah-password-1") is None
    assert users.actor_for(db, "sari").role == "monitor"


def test_unknown_and_inactive_users_cannot_act(db: Database) -> None:
    admin = person(db, "adi", "admin")
    users.add_user(db, admin, "sari", PASSWORD, "monitor")
    with pytest.raises(PermissionDenied, match="not an active user"):
        users.actor_for(db, "nobody")
    users.deactivate(db, admin, "sari")
    with pytest.raises(PermissionDenied, match="not an active user"):
        users.actor_for(db, "sari")
    assert users.authenticate(db, "sari", PASSWORD) is None


def test_cli_actor_is_the_named_user_or_the_local_operator(db: Database) -> None:
    assert users.cli_actor(db, None).rights == operator_actor(users_exist=False).rights
    person(db, "sari", "monitor")
    local = users.cli_actor(db, None)
    assert local.name == "local" and not can(local, Right.DECIDE)
    assert users.cli_actor(db, "sari").name == "sari"


def test_role_changes_and_deactivation_are_audited_once_each(db: Database) -> None:
    admin = person(db, "adi", "admin")
    users.add_user(db, admin, "sari", PASSWORD, "monitor")
    before = audit_count(db)
    assert users.set_role(db, admin, "sari", "lead").role == "lead"
    assert audit_count(db) == before + 1
    assert last_audit(db).details["previous_role"] == "monitor"
    assert users.deactivate(db, admin, "sari").active is False
    assert audit_count(db) == before + 2
    assert [u.username for u in users.list_users(db, admin)] == ["adi", "sari"]


@pytest.mark.parametrize("call", [
    lambda db, a: users.add_user(db, a, "tono", PASSWORD, "monitor"),
    lambda db, a: users.set_role(db, a, "adi", "monitor"),
    lambda db, a: users.deactivate(db, a, "adi"),
    lambda db, a: users.list_users(db, a),
])
def test_only_those_who_manage_users_may(db: Database, call) -> None:  # type: ignore[no-untyped-def]
    person(db, "adi", "admin")
    lead = person(db, "budi", "lead")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="may not manage_users"):
        call(db, lead)
    assert audit_count(db) == before


def test_bad_users_are_refused_without_an_audit_entry(db: Database) -> None:
    admin = person(db, "adi", "admin")
    before = audit_count(db)
    with pytest.raises(Conflict, match="already exists"):
        users.add_user(db, admin, "adi", PASSWORD, "lead")
    with pytest.raises(InvalidInput, match="role must be one of"):
        users.add_user(db, admin, "budi", PASSWORD, "root")
    with pytest.raises(InvalidInput, match="10 characters"):
        users.add_user(db, admin, "budi", "pendek", "monitor")
    with pytest.raises(InvalidInput, match="reserved"):
        users.add_user(db, admin, "local", PASSWORD, "monitor")
    with pytest.raises(NotFound, match="no user named"):
        users.set_role(db, admin, "ghost", "lead")
    with pytest.raises(InvalidInput, match="yourself"):
        users.deactivate(db, admin, "adi")
    assert audit_count(db) == before
