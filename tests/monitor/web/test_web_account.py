"""A user's own account page: the password changed by proving the current one; the other
sessions of that user end, this one stays; an administrator resets a forgotten password."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import PASSWORD, csrf_of, login, make_app, staff

from monitor.errors import InvalidInput, PermissionDenied
from monitor.policy import operator_actor
from monitor.services.users import actor_for, reset_password
from storage.db import Database
from storage.models import AuditEntry

NEW = "kata-sandi-baru-99"


def _change(client: TestClient, current: str, new: str, again: str | None = None) -> str:
    response = client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "new_password_again": new if again is None else again,
        "csrf_token": csrf_of(client, "/account")})
    return f"{response.status_code} {response.text}"


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
        db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    app = make_app(db, tmp_path)
    with TestClient(app) as here, TestClient(app) as elsewhere:
        login(here, "monitor")
        login(elsewhere, "monitor")
        page = here.get("/account")
        assert page.status_code == 200 and "Ganti kata sandi" in page.text
        changed = _change(here, PASSWORD, NEW)
        assert changed.startswith("200 ") and "Kata sandi Anda telah diganti" in changed
        assert here.get("/queue", follow_redirects=False).status_code == 200
        assert elsewhere.get("/queue", follow_redirects=False).status_code == 303
    with TestClient(make_app(db, tmp_path)) as fresh:
        login(fresh, "monitor", NEW)
    with db.reader() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "user.password_change")).one()
    assert entry.actor == "monitor" and entry.details["sessions_ended"] == 1


@pytest.mark.parametrize(("current", "new", "again", "message"), [
    ("salah-sekali-123", NEW, None, "kata sandi saat ini salah"),
    (PASSWORD, "pendek", None, "minimal 10 karakter"),
    (PASSWORD, NEW, "lain-lagi-12345", "Kedua kata sandi baru tidak sama"),
    (PASSWORD, PASSWORD, None, "harus berbeda"),
])
def test_a_refused_change_says_why_and_keeps_the_old_password(
        db: Database, tmp_path: Path, current: str, new: str, again: str | None,
        message: str) -> None:
    staff(db, "monitor")
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor")
        answer = _change(client, current, new, again)
        assert answer.startswith("422 ") and message in answer
    with TestClient(make_app(db, tmp_path)) as again_client:
        login(again_client, "monitor", PASSWORD)


def test_the_account_form_needs_its_csrf_token(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor")
        refused = client.post("/account/password", data={
            "current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
        assert refused.status_code == 403
    with TestClient(make_app(db, tmp_path)) as again:
        login(again, "monitor", PASSWORD)


def test_an_administrator_resets_a_password_and_a_monitor_may_not(
        db: Database, tmp_path: Path) -> None:
    staff(db, "monitor", "admin")
    with pytest.raises(PermissionDenied):
        reset_password(db, actor_for(db, "monitor"), "admin", NEW)
    with pytest.raises(InvalidInput):
        reset_password(db, actor_for(db, "admin"), "monitor", "pendek")
    reset_password(db, operator_actor(users_exist=True), "monitor", NEW)
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor", NEW)
