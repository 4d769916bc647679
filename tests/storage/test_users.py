"""Users: argon2 hashes only, roles gate permissions."""

import pytest

from storage.db import Database
from storage.users import UserError, authenticate, can, create_user


def test_a_user_logs_in_with_the_right_password_only(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, "ani", "rahasia-panjang-1", "monitor")
        assert user.password_hash.startswith("$argon2id$") and "rahasia" not in user.password_hash
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


def test_roles_decide_permissions() -> None:
    assert can("monitor", "decide") and not can("monitor", "export")
    assert can("lead", "export") and can("data", "retrain") and not can("data", "decide")
    assert all(can("admin", p) for p in ("see", "decide", "export", "retrain", "administer"))
