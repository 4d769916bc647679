"""The shared model registry: retraining on the seed corpus plus reviewers' decisions, the
comparison with the active model, refusal of a worse candidate, forced promotion with a reason,
re-scoring that keeps the old scores, and grouped splits."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from decisions import store_decisions
from hypothesis import given, settings
from hypothesis import strategies as st
from services_helpers import last_audit, person
from sqlalchemy import select

from classifier.corpus import load_seed_corpus
from monitor import training_data
from monitor.config import Settings, load_settings
from monitor.errors import InvalidInput
from monitor.services import models
from storage.db import Database
from storage.models import Score
from storage.records import Author, PostRecord


@pytest.fixture
def home_settings(tmp_path: Path, db: Database) -> Settings:
    return load_settings(None, database_url=db.url, environ={"PANTAU_HOME": str(tmp_path)})


def test_first_use_imports_the_shipped_model_and_activates_it(
        db: Database, home_settings: Settings) -> None:
    version = models.ensure_registry(db, home_settings)
    assert models.active_version(db) == version
    assert models.ensure_registry(db, home_settings) == version  # idempotent
    model = models.active_model(db, home_settings)
    assert model.version == version and model.predict([PostRecord("x", "1", "halo")])


def test_retraining_on_seed_and_200_decisions_stores_a_compared_version_with_its_report(
        db: Database, home_settings: Settings) -> None:
    store_decisions(db, 200)
    dina = person(db, "dina", "data")
    dev = load_seed_corpus()[::7]
    done = models.train(db, dina, home_settings, [], evals=[("dev.jsonl", dev)])
    entry, row = models.get_model(db, dina, done.version)
    assert not entry.active
    by_origin = row.composition["by_origin"]
    assert sum(by_origin["review"].values()) + sum(
        row.composition["held_out"]["by_origin"]["review"].values()) == 200  # escalated left out
    held = row.metrics["held_out"]
    assert held["active_version"] == models.active_version(db)
    for who in ("candidate", "active"):
        for key in ("f1", "recall", "precision", "pr_auc", "fpr_by_hard_case", "recall_by_category"):
            assert key in held[who]
    # the eval file is seed text the candidate trained on: the overlap is counted
    assert 0 < row.metrics["evals"]["dev.jsonl"]["overlap"] <= len(dev)
    assert row.fingerprint and len(row.fingerprint) == 64
    html = row.report_html or ""
    assert 'lang="id"' in html and "data:image/svg+xml;base64," in html
    assert "Kurva presisi" in html or "presisi" in html.lower()
    assert last_audit(db).action == "model.train" and last_audit(db).actor == "dina"


def test_a_worse_candidate_is_refused_and_a_forced_promotion_is_audited_with_its_reason(
        db: Database, home_settings: Settings) -> None:
    store_decisions(db, 200)
    dina = person(db, "dina", "data")
    seed = load_seed_corpus()
    labels = [r.label for r in seed]
    random.Random(3).shuffle(labels)
    categories = ("social_media_campaign", "banner", "party_approach")
    shuffled = [replace(r, label=lab, category=categories[i % 3] if lab else None,
                        hard_case=None if lab else (r.hard_case or "non_political"))
                for i, (r, lab) in enumerate(zip(seed, labels, strict=True))]
    done = models.train(db, dina, home_settings, shuffled)
    assert done.refusals
    before = models.active_version(db)
    with pytest.raises(models.Refused) as refused:
        models.promote(db, dina, home_settings, done.version)
    assert refused.value.reasons and models.active_version(db) == before
    with pytest.raises(InvalidInput):
        models.promote(db, dina, home_settings, done.version, force=True)
    models.promote(db, dina, home_settings, done.version, force=True, reason="uji coba")
    assert models.active_version(db) == done.version
    entry = last_audit(db)
    assert (entry.action, entry.actor, entry.details["forced"], entry.details["reason"]) == (
        "model.promote", "dina", True, "uji coba")
    assert models.rollback(db, dina, home_settings) == before


def test_rescoring_adds_the_new_models_scores_and_keeps_the_old_ones(
        db: Database, home_settings: Settings) -> None:
    store_decisions(db, 20, undecided=20)  # 10 stay pending
    dina = person(db, "dina", "data")
    first = models.ensure_registry(db, home_settings)
    candidate = models.train(db, dina, home_settings, [], reviews=False).version
    models.promote(db, dina, home_settings, candidate, force=True, reason="uji")
    done = models.rescore(db, home_settings, "node-a")
    assert done and done >= 10
    assert models.rescore(db, home_settings, "node-b") is None  # claimed and done once
    with db.reader() as session:
        versions = {v for (v,) in session.execute(select(Score.model_version))}
    assert {"m-old", candidate} <= versions
    models.rollback(db, dina, home_settings)
    assert models.rescore(db, home_settings, "node-b") == done
    with db.reader() as session:
        newest = session.execute(select(Score.post_id, Score.model_version)
                                 .order_by(Score.id)).all()
    last = dict(newest)
    assert set(last.values()) == {first}  # each post's newest score is the rolled-back-to model


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ayo coblos nomor", "rapat dinas", "berita kpu",
                                           "banjir di kota"]),
                          st.integers(0, 30), st.sampled_from(["a", "b", "c", ""])),
                min_size=2, max_size=60),
       st.floats(0.1, 0.5))
def test_no_near_duplicate_group_sits_on_both_sides_of_the_split(
        rows: list[tuple[str, int, str]], share: float) -> None:
    from classifier.groups import group_ids

    records = [PostRecord("x", str(i), f"{text} {n}", author=Author(handle=handle), label=i % 2)
               for i, (text, n, handle) in enumerate(rows)]
    groups = [int(g) for g in group_ids(records)]
    held = training_data.split_by_group(records, groups, share)
    sides: dict[int, set[bool]] = {}
    for g, h in zip(groups, held, strict=True):
        sides.setdefault(g, set()).add(h)
    assert all(len(s) == 1 for s in sides.values())


def test_the_training_set_keeps_groups_whole_and_counts_its_origins(db: Database) -> None:
    store_decisions(db, 60)
    data = training_data.build(db, [PostRecord("x", "f1", "berkas berlabel", label=0)])
    sides: dict[int, set[bool]] = {}
    for g, h in zip(data.groups, data.held_out, strict=True):
        sides.setdefault(g, set()).add(h)
    assert all(len(s) == 1 for s in sides.values())
    assert 0 < sum(data.held_out) < len(data.records)
    counts = training_data.composition(data.records, data.origins)
    assert set(counts["by_origin"]) == {"seed", "file", "review"}
    assert sum(counts["by_origin"]["review"].values()) == 60
    assert sum(counts["by_origin"]["file"].values()) == 1


def test_label_providers_are_pluggable(db: Database) -> None:
    extra = [PostRecord("x", "lab-1", "label tim data", label=1, category="banner")]
    data = training_data.build(db, providers=[("label", lambda _db: extra)])
    assert "label" in data.origins


def _side(f1: float, recall: float, fpr: float = 0.0) -> dict[str, object]:
    return {"f1": f1, "recall": recall, "fpr_by_hard_case": {"asn_neutral": {"fpr": fpr}}}


@pytest.mark.parametrize(("entry", "expected"), [
    ({"n": 100, "overlap": 0, "candidate": _side(0.90, 0.95), "active": _side(0.95, 0.95)},
     ["eval_f1"]),
    ({"n": 100, "overlap": 0, "candidate": _side(0.95, 0.95, 0.3), "active": _side(0.95, 0.95)},
     ["eval_fpr"]),
    ({"n": 100, "overlap": 60, "candidate": _side(0.5, 0.5), "active": _side(0.95, 0.95)}, []),
    ({"n": 100, "overlap": 0, "candidate": _side(0.96, 0.96)}, []),
])
def test_a_worse_result_on_an_unseen_eval_file_refuses_the_promotion(
        tmp_path: Path, entry: dict[str, object], expected: list[str]) -> None:
    """An --eval file counts against a candidate like the held-out records, unless it mostly
    holds texts the candidate trained on (then it measures memory) or no active model ran."""
    settings = load_settings(cwd=tmp_path, environ={})
    metrics = {"held_out": {"candidate": _side(1.0, 1.0), "active": _side(1.0, 1.0)},
               "evals": {"dev.jsonl": entry}}
    reasons = models.comparison_refusals(settings, metrics)
    assert [key for key, _ in reasons] == expected
    assert all(values["on"] == "dev.jsonl" for _, values in reasons)
