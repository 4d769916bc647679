"""/models and /models/{version}: the data team's registry pages — versions with metrics and the
active one marked, promotion refused when worse (reasons shown) and forced with a reason,
rollback, the candidate's report escaped; re-scoring runs while the app keeps answering."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_of, login, staff

from monitor.config import load_settings
from monitor.policy import user_actor
from monitor.services import models
from monitor.web.app import create_app
from monitor.web.model_report_view import render_report
from storage.audit import verify_log
from storage.db import Database
from storage.model_store import activations
from storage.posts import store_posts
from storage.records import PostRecord
from storage.users import find_user


def _app(db: Database, tmp_path: Path) -> tuple[TestClient, object]:
    settings = load_settings(cwd=tmp_path, environ={"PANTAU_HOME": str(tmp_path / "home"),
                                                    "PANTAU_CLASSIFIER__RESCORE_BATCH": "40"})
    return TestClient(create_app(settings, db=db, first_admin=False)), settings


def _dina(db: Database):  # type: ignore[no-untyped-def]
    with db.reader() as session:
        row = find_user(session, "data")
    assert row is not None
    return user_actor(row.username, row.role, row.id)


@pytest.fixture(scope="module")
def candidate_report() -> dict:  # type: ignore[type-arg]
    return {"version": "m-x", "threshold": 0.5, "recall_target": 0.95, "active_version": None,
            "comparison": {"held_out": {"n": 1, "held_out_total": 1, "seen_by_active": 0,
                                        "candidate": {"f1": 1.0, "recall": 1.0, "precision": 1.0,
                                                      "pr_auc": 1.0, "threshold": 0.5,
                                                      "fpr_by_hard_case": {},
                                                      "recall_by_category": {}}},
                           "evals": {}},
            "composition": {"by_origin": {"seed": {"0": 1}}},
            "confusion": {"candidate": {"tp": 1, "fp": 0, "fn": 0, "tn": 0}},
            "curves": {"candidate": {"pr": [[0.0, 1.0], [1.0, 1.0]],
                                     "calibration": [{"mean_score": 0.5, "positive_share": 1.0,
                                                      "n": 1}]}},
            "misclassified": [{"text": "<script>alert(1)</script> coblos", "label": 1,
                               "score": 0.1, "category": "banner", "hard_case": None}],
            "misclassified_total": 1,
            "weight_changes": [{"term": "<b>coblos</b>", "candidate": 1.0, "active": 0.0,
                                "change": 1.0}]}


def test_the_report_escapes_post_texts_and_terms(candidate_report: dict) -> None:  # type: ignore[type-arg]
    html = render_report(candidate_report, "id")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;coblos&lt;/b&gt;" in html
    assert 'lang="id"' in html and "Tabel kebingungan" in html
    assert "Confusion table" in render_report(candidate_report, "en")


def test_the_models_page_needs_the_right_and_marks_the_active_version(
        db: Database, tmp_path: Path) -> None:
    staff(db, "data", "monitor")
    client, settings = _app(db, tmp_path)
    active = models.ensure_registry(db, settings)  # type: ignore[arg-type]
    assert login(TestClient(client.app), "monitor").get("/models").status_code == 403
    login(client, "data")
    page = client.get("/models")
    assert page.status_code == 200 and active in page.text and "aktif" in page.text
    report = client.get(f"/models/{active}")
    assert report.status_code == 200 and "diimpor" in report.text
    assert client.get("/models/m-nope").status_code == 404


def test_promotion_from_the_web_is_refused_when_worse_forced_with_a_reason_and_rescores_while_the_app_answers(
        db: Database, tmp_path: Path) -> None:
    staff(db, "data")
    client, settings = _app(db, tmp_path)
    first = models.ensure_registry(db, settings)  # type: ignore[arg-type]
    with db.session() as session:
        store_posts(session, [PostRecord("x", f"p{i}", f"ayo coblos nomor {i} di kota {i % 17}")
                              for i in range(600)])
    candidate = models.train(db, _dina(db), settings, [], reviews=False)  # type: ignore[arg-type]
    login(client, "data")
    token = csrf_of(client, "/models")
    assert client.post(f"/models/{candidate.version}/promote",
                       data={"csrf_token": "wrong"}).status_code in (400, 403)
    answer = client.post(f"/models/{candidate.version}/promote", data={"csrf_token": token},
                         follow_redirects=False)
    if candidate.refusals:  # the default model saw every seed record: it looks better
        assert answer.status_code == 409 and "lebih buruk" in answer.text
        answer = client.post(f"/models/{candidate.version}/promote",
                             data={"csrf_token": token, "force": "1", "reason": "uji web"},
                             follow_redirects=False)
    assert answer.status_code == 303
    assert models.active_version(db) == candidate.version
    answered_while_rescoring = 0
    deadline = time.monotonic() + 120
    while not _rescored(db):
        assert time.monotonic() < deadline, "re-scoring did not finish"
        for path in ("/models", "/healthz", f"/models/{candidate.version}"):
            response = client.get(path)
            assert response.status_code == 200, path
        answered_while_rescoring += 1
    assert answered_while_rescoring > 0
    with db.reader() as session:
        newest = activations(session)[-1]
        assert verify_log(session).intact
    assert newest.rescored == 600 and newest.reason in (None, "uji web")
    rollback = client.post("/models/rollback", data={"csrf_token": token}, follow_redirects=False)
    assert rollback.status_code == 303 and models.active_version(db) == first
    deadline = time.monotonic() + 120
    while not _rescored(db):  # the rollback's re-scoring, before the database goes away
        assert time.monotonic() < deadline, "re-scoring after the rollback did not finish"
        time.sleep(0.1)


def _rescored(db: Database) -> bool:
    with db.reader() as session:
        return activations(session)[-1].rescore_done_at is not None
