"""Who gets what: every route without a session, the role matrix, CSRF, the login rate limit,
session expiry and revocation, cookies, security headers, /metrics, the first administrator."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import PASSWORD, ROLES, csrf_of, login, make_app, post, seed, staff

from monitor.policy import ROLE_RIGHTS, Right
from monitor.services.sessions import ensure_first_admin
from monitor.web.app import PUBLIC_PATHS, route_table
from storage.db import Database
from storage.models import AuditEntry, User

# Every route and the right it needs (None: any logged-in user). A new route must be added here.
ROUTE_RIGHTS: dict[tuple[str, str], Right | None] = {
    ("GET", "/"): None,
    ("POST", "/logout"): None,
    ("POST", "/account/language"): None,
    ("GET", "/account"): None,
    ("POST", "/account/password"): None,
    ("GET", "/queue"): Right.VIEW_QUEUE,
    ("GET", "/items/{review_id}"): Right.VIEW_QUEUE,
    ("POST", "/items/{review_id}/decision"): Right.DECIDE,
    ("POST", "/items/{review_id}/hold"): Right.BREAK_HOLD,
    ("GET", "/items/{review_id}/snapshots/{snapshot_id}"): Right.VIEW_QUEUE,
    ("GET", "/dashboard"): Right.VIEW_DASHBOARD,
    ("GET", "/sources"): Right.MANAGE_SOURCES,
    ("POST", "/sources"): Right.MANAGE_SOURCES,
    ("POST", "/sources/disable"): Right.MANAGE_SOURCES,
    ("GET", "/users"): Right.MANAGE_USERS,
    ("POST", "/users"): Right.MANAGE_USERS,
    ("POST", "/users/role"): Right.MANAGE_USERS,
    ("POST", "/users/deactivate"): Right.MANAGE_USERS,
    ("GET", "/cases"): Right.VIEW_CASES,
    ("GET", "/cases/export.csv"): Right.VIEW_CASES,
    ("GET", "/cases/{case_id}"): Right.VIEW_CASES,
    ("POST", "/cases/{case_id}/step"): Right.MANAGE_CASES,
    ("GET", "/reports"): Right.VIEW_REPORTS,
    ("GET", "/reports/{report_id}"): Right.VIEW_REPORTS,
    ("GET", "/reports/{report_id}/attachment"): Right.VIEW_REPORTS,
    ("POST", "/reports/{report_id}/status"): Right.VIEW_REPORTS,
    ("POST", "/exports"): Right.EXPORT,
    ("GET", "/exports/{job_id}"): Right.EXPORT,
    ("GET", "/exports/{job_id}/download"): Right.EXPORT,
    ("GET", "/models"): Right.VIEW_MODELS,
    ("GET", "/models/{version}"): Right.VIEW_MODELS,
    ("POST", "/models/{version}/promote"): Right.PROMOTE,
    ("POST", "/models/rollback"): Right.PROMOTE,
    ("GET", "/label"): Right.LABEL,
    ("POST", "/label"): Right.LABEL,
    ("GET", "/drift"): Right.VIEW_MODELS,
}
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/lapor"), ("POST", "/lapor"),
          ("GET", "/lapor/status"), ("POST", "/lapor/status"), ("GET", "/statistik"),
          ("GET", "/healthz"), ("GET", "/metrics")}
DATA_ROUTES = {"/items/{review_id}/snapshots/{snapshot_id}", "/reports/{report_id}/attachment"}


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    for route in route_table(app):
        for method in sorted(getattr(route, "methods", None) or []):
            if method != "HEAD":
                out.append((method, route.path))
    return out


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def app(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    staff(db, "monitor", "monitor2", "admin")
    seed(db, [post(1), post(2)])
    return make_app(db, tmp_path)


def test_every_route_is_classified(app) -> None:  # type: ignore[no-untyped-def]
    routes = set(_routes(app))
    assert routes - set(ROUTE_RIGHTS) - PUBLIC == set(), "a new route needs a row in ROUTE_RIGHTS"
    assert {p for _m, p in PUBLIC} <= PUBLIC_PATHS | {"/login"}


def test_nothing_but_the_public_routes_answers_without_a_session(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        for method, path in _routes(app):
            if (method, path) in PUBLIC:
                continue
            response = client.request(method, _concrete(path), follow_redirects=False)
            if path in DATA_ROUTES:
                assert response.status_code == 401, (method, path)
            else:
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/login"), (method, path)


def test_public_routes_answer_without_a_session(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, client=("127.0.0.1", 5000)) as client:
        for path in ("/login", "/lapor", "/lapor/status", "/statistik", "/healthz", "/metrics",
                     "/static/pantau.css", "/static/pantau.js"):
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(db: Database, tmp_path: Path, role: str) -> None:
    staff(db, role)
    seed(db, [post(1)])
    app = make_app(db, tmp_path)
    rights = ROLE_RIGHTS[role]
    with TestClient(app) as client:
        login(client, role)
        token = csrf_of(client, "/statistik") if role == "data" else csrf_of(client)
        for (method, path), right in ROUTE_RIGHTS.items():
            if path in ("/", "/logout") or right is None:
                continue
            url = _concrete(path)
            if method == "GET":
                response = client.get(url, follow_redirects=False)
            else:
                response = client.post(url, data={"csrf_token": token}, follow_redirects=False)
            if right in rights:
                assert response.status_code != 403, (role, method, path)
            else:
                assert response.status_code == 403, (role, method, path, response.status_code)


def test_state_changing_forms_need_the_csrf_token(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "monitor")
        client.get("/items/1")
        for token in (None, "forged-token-forged-token"):
            data = {"decision": "rejected", "version": "1"}
            if token:
                data["csrf_token"] = token
            response = client.post("/items/1/decision", data=data, follow_redirects=False)
            assert response.status_code == 403
        with db.reader() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "review.decide")) == 0
    with TestClient(app) as fresh:  # a login post without the form's cookie token
        response = fresh.post("/login", data={"username": "monitor", "password": PASSWORD,
                                              "csrf_token": "x" * 30}, follow_redirects=False)
        assert response.status_code == 403


def test_login_rate_limit_locks_the_name_and_audits_once(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor", "lead")
    app = make_app(db, tmp_path, login_max_failures="3")
    with TestClient(app) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]  # type: ignore[index]
        for _ in range(3):
            wrong = client.post("/login", data={"username": "lead", "password": "salah-salah-1",
                                                "csrf_token": token})
            assert wrong.status_code in (401, 429)
        locked = client.post("/login", data={"username": "lead", "password": PASSWORD,
                                             "csrf_token": token}, follow_redirects=False)
        assert locked.status_code == 429
        assert "pantau_session" not in locked.cookies
        other = client.post("/login", data={"username": "monitor", "password": PASSWORD,
                                            "csrf_token": token}, follow_redirects=False)
        assert other.status_code == 303  # another name from the same address still may
    with db.reader() as session:
        lockouts = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.lockout")).all()
    assert [(e.entity, e.entity_id) for e in lockouts] == [("user", "lead")]


def test_sessions_end_after_idle_time_and_at_their_maximum(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    for setting in ({"session_idle": "2s"}, {"session_max": "2s"}):
        with TestClient(make_app(db, tmp_path, **setting)) as client:
            login(client, "monitor")
            assert client.get("/queue", follow_redirects=False).status_code == 200
            time.sleep(2.3)
            response = client.get("/queue", follow_redirects=False)
            assert response.status_code == 303, setting


def test_logout_and_deactivation_revoke_sessions(app, db: Database) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        login(client, "monitor")
        cookie = client.cookies.get("pantau_session")
        client.post("/logout", data={"csrf_token": csrf_of(client)})
    with TestClient(app, cookies={"pantau_session": cookie}) as replay:
        assert replay.get("/queue", follow_redirects=False).status_code == 303
    with TestClient(app) as victim, TestClient(app) as admin:
        login(victim, "monitor2")
        assert victim.get("/queue", follow_redirects=False).status_code == 200
        login(admin, "admin")
        done = admin.post("/users/deactivate", data={"username": "monitor2",
                                                     "csrf_token": csrf_of(admin)},
                          follow_redirects=False)
        assert done.status_code == 303
        assert victim.get("/queue", follow_redirects=False).status_code == 303


def test_cookies_and_security_headers(db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    seed(db, [post(1)])
    with TestClient(make_app(db, tmp_path, secure_cookies="true"),
                    base_url="https://testserver") as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": "monitor", "password": PASSWORD,
                                               "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]},  # type: ignore[index]
                               follow_redirects=False)
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
        for path in ("/queue", "/items/1", "/login", "/statistik", "/lapor"):
            r = client.get(path)
            csp = r.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path  # no inline script
            assert not re.search(r"<[^>]+\son\w+=", r.text), path  # no inline handler
    with TestClient(make_app(db, tmp_path)) as local:  # web.host loopback: not Secure by default
        page = local.get("/login")
        assert "secure" not in page.headers["set-cookie"].lower()


def test_metrics_need_loopback_or_the_bearer_token(db: Database, tmp_path: Path) -> None:
    app = make_app(db, tmp_path, metrics_token="s3cret-token")
    with TestClient(app) as remote:  # the test client's address is not loopback
        assert remote.get("/metrics").status_code == 401
        assert remote.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert remote.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    with TestClient(app, client=("127.0.0.1", 1234)) as local:
        assert local.get("/metrics").status_code == 200


def test_first_admin_is_created_once_with_a_random_password(db: Database, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from monitor.config import load_settings
    from monitor.web.app import create_app

    with TestClient(create_app(load_settings(cwd=tmp_path, environ={}), db=db)) as client:
        printed = capsys.readouterr().out
        password = re.search(r"password: (\S+)", printed)[1]  # type: ignore[index]
        login(client, "admin", password)
        assert client.get("/users").status_code == 200
    with db.reader() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored and password not in stored and stored.startswith("$argon2")
    assert ensure_first_admin(db) is None
