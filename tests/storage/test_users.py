"""Users: argon2 hashes only, roles gate permissions."""

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import User
from storage.users import UserError, authenticate, create_user, find_user, list_users, update_user


def test_a_user_logs_in_with_the_right_password_only(db: Database) -> None:
    with db.session() as session:
        create_user(session, "ani", "rahasia-panjang-1", "monitor")
        stored = session.scalars(select(User.password_hash)).one()
        assert stored.startswith("$argon2id$") and "rahasia" not in stored
    with db.session() as session:
        assert authenticate(session, "ani", "rahasia-panjang-1") is not None
        assert authenticate(session, "ani", "salah-password-1") is None
        assert authenticate(session, "tidak-ada", "rahasia-panjang-1") is None


def test_bad_users_are_refused(db: Database) -> None:
    with db.session() as session:
        create_user(session, "ani", "rahasia-panjang-1", "lead")
        with pytest.raises(UserError, match="already exists"):
            create_user(session, "ani", "rahasia-panjang-2", "lead")
        with pytest.raises(UserError, match="role"):
            create_user(session, "budi", "rahasia-panjang-1", "root")
        with pytest.raises(UserError, match="10 characters"):
            create_user(session, "budi", "pendek", "monitor")


def test_a_deactivated_user_no_longer_logs_in(db: Database) -> None:
    with db.session() as session:
        create_user(session, "ani", "rahasia-panjang-1", "monitor")
        row = update_user(session, "ani", role="lead", active=False)
    assert (row.role, row.active) == ("lead", False)
    with db.reader() as session:
        assert authenticate(session, "ani", "rahasia-panjang-1") is None
        found = find_user(session, "ani")
        assert found is not None and found.role == "lead"
        assert [u.username for u in list_users(session)] == ["ani"]
