"""Imports, model promotion and rollback, exports and audit checks through the use cases: each
refused without its right, each audited exactly once when it succeeds and not at all when not."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from services_helpers import audit_count, flagged_items, last_audit, person

from classifier import Model, ModelRegistry, train_model
from classifier.corpus import load_seed_corpus
from monitor.config import Settings, load_settings
from monitor.errors import NotFound, PermissionDenied
from monitor.evidence.keys import ensure_key
from monitor.policy import Actor, operator_actor
from monitor.services import admin, exports, ingest, models, review
from monitor.services.exports import ExportFilter
from storage.db import Database
from storage.interchange import read_interchange

LOCAL = operator_actor(users_exist=True)


def lines(n: int = 3):  # type: ignore[no-untyped-def]
    body = "".join(json.dumps({"platform": "x", "external_id": f"i{i}", "text": f"teks {i}"}) + "\n"
                   for i in range(n)) + "{broken\n"
    return read_interchange(io.BytesIO(body.encode()), name="posts.jsonl")


def test_an_import_is_audited_at_its_start_and_its_end_with_its_actor(db: Database) -> None:
    # Two entries on purpose: a killed import still leaves its `import.start` (issue 9).
    before = audit_count(db)
    stats = ingest.import_posts(db, LOCAL, lines(), scorer=None, origin="posts.jsonl")
    assert (stats.new, stats.rejected) == (3, 1)
    assert audit_count(db) == before + 2
    entry = last_audit(db)
    assert (entry.actor, entry.action) == ("local", "import.finish")


def test_an_import_needs_the_import_right_and_a_known_source(db: Database) -> None:
    dina = person(db, "dina", "data")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="may not import"):
        ingest.import_posts(db, dina, lines(), scorer=None)
    with pytest.raises(NotFound, match="no source named 'ghost'"):
        ingest.import_posts(db, LOCAL, lines(), scorer=None, source_name="ghost")
    assert audit_count(db) == before


def test_exports_need_the_export_right_and_are_audited(db: Database, tmp_path: Path) -> None:
    [item] = flagged_items(db)
    sari, budi = person(db, "sari", "monitor"), person(db, "budi", "lead")
    review.decide(db, sari, item, decision="rejected")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="may not export"):
        exports.export(db, sari, "jsonl", tmp_path / "out.jsonl", ExportFilter())
    assert audit_count(db) == before and not (tmp_path / "out.jsonl").exists()
    key, _created = ensure_key(tmp_path / "home")
    summary = exports.export(db, budi, "bundle", tmp_path / "out.zip", ExportFilter(),
                             signing_key=key)
    assert summary["items"] == 1 and audit_count(db) == before + 1
    entry = last_audit(db)
    assert (entry.actor, entry.action) == ("budi", "export")
    found = exports.recorded_export(db, summary["manifest_sha256"])
    assert found is not None and found.audit_entry == entry.id


def test_audit_verification_and_stats_need_their_rights(db: Database) -> None:
    budi = person(db, "budi", "lead")
    with pytest.raises(PermissionDenied, match="may not administer"):
        exports.verify_audit(db, budi)
    assert exports.verify_audit(db, LOCAL).intact
    assert admin.stats(db, budi, "m1")["pending"] == 0
    with pytest.raises(PermissionDenied):
        admin.stats(db, Actor(name="nobody", kind="user"), None)


@pytest.fixture(scope="module")
def trained() -> Model:
    return train_model(load_seed_corpus())


@pytest.fixture
def registry_settings(tmp_path: Path, db: Database, trained: Model) -> Settings:
    settings = load_settings(None, database_url=db.url, environ={"PANTAU_HOME": str(tmp_path)})
    registry = ModelRegistry(settings.models_dir)
    registry.save(trained)
    registry.promote(trained.version)
    registry.save(Model(trained.state, {**trained.metadata, "version": "m-candidate"}))
    models.ensure_registry(db, settings)  # the old file registry moves into the database
    return settings


def test_promotion_and_rollback_are_audited_and_need_a_named_data_user(
        db: Database, registry_settings: Settings, trained: Model) -> None:
    dina, budi = person(db, "dina", "data"), person(db, "budi", "lead")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="--as USER"):
        models.promote(db, LOCAL, registry_settings, "m-candidate")
    with pytest.raises(PermissionDenied, match="may not promote"):
        models.promote(db, budi, registry_settings, "m-candidate")
    with pytest.raises(NotFound, match="m-nope"):
        models.promote(db, dina, registry_settings, "m-nope")
    assert audit_count(db) == before
    assert models.promote(db, dina, registry_settings, "m-candidate") == "m-candidate"
    entry = last_audit(db)
    assert (entry.actor, entry.action, entry.details["previous"]) == (
        "dina", "model.promote", trained.version)
    assert models.rollback(db, dina, registry_settings) == trained.version
    assert audit_count(db) == before + 2 and last_audit(db).action == "model.rollback"
    active = [i.version for i in models.list_models(db, dina, registry_settings) if i.active]
    assert active == [trained.version]


def test_training_is_audited_and_needs_the_train_right(db: Database,
                                                       registry_settings: Settings) -> None:
    sari, dina = person(db, "sari", "monitor"), person(db, "dina", "data")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="may not train"):
        models.train(db, sari, registry_settings, [])
    assert audit_count(db) == before
    done = models.train(db, dina, registry_settings, [])
    assert audit_count(db) == before + 1
    assert last_audit(db).details["records"] == done.records
    assert done.version in {m.version for m in models.list_models(db, dina, registry_settings)}


@pytest.fixture
def run_settings(tmp_path: Path, db: Database) -> Settings:
    return load_settings(None, database_url=db.url, environ={"PANTAU_HOME": str(tmp_path)})


def test_a_run_that_crashes_is_reported_as_stopped_in_the_readers_language(
        db: Database, run_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """One source's crash is its report's error, never the others' loss: an error raised with
    a template is said in the reader's language (Indonesian by default), any other by a label
    for its kind and its English text (its type kept in the English text)."""
    from monitor.config import SourceSpec
    from monitor.i18n import gettext_for
    from monitor.scrape import run_source
    from monitor.sources import add_source
    from storage.errors import Message

    settings = run_settings
    for name in ("hilang", "rusak"):
        add_source(db, SourceSpec(name, "rss", f"https://{name}.example/feed", interval=60),
                   settings)

    async def crash(db: Database, name: str, **_: object) -> None:
        if name == "hilang":  # removed meanwhile: the run's own lookup fails
            await run_source(db, "sudah-tidak-ada", **_)  # type: ignore[arg-type]
        raise RuntimeError("adapter bug")

    monkeypatch.setattr("monitor.services.ingest.run_source", crash)
    gone, broken = ingest.scrape_now(db, LOCAL, ["hilang", "rusak"], settings, scorer=None)
    [error] = gone.errors
    assert not gone.ok and isinstance(error, Message)
    assert error == ("the run stopped: no source named 'sudah-tidak-ada' "
                     "(see `pantau sources list`)")
    assert error.translated(gettext_for("id")) == (
        "proses terhenti: tidak ada sumber bernama 'sudah-tidak-ada' (lihat `pantau sources list`)")
    assert error.translated(gettext_for("en")) == error
    assert not broken.ok and broken.errors == ["the run stopped: RuntimeError: adapter bug"]
    assert broken.errors[0].translated(gettext_for("id")) == (
        "proses terhenti: Kesalahan tak terduga: adapter bug")
    assert broken.errors[0].translated(gettext_for("en")) == (
        "the run stopped: Unexpected error: adapter bug")


def test_a_run_of_a_source_that_is_gone_is_refused_as_not_found(
        db: Database, run_settings: Settings) -> None:
    import asyncio

    from monitor.i18n import gettext_for
    from monitor.scrape import make_client, run_source

    async def run() -> None:
        async with make_client(run_settings) as client:
            await run_source(db, "ghost", client=client, scorer=None, settings=run_settings)

    with pytest.raises(NotFound) as refused:
        asyncio.run(run())
    assert str(refused.value) == "no source named 'ghost' (see `pantau sources list`)"
    assert refused.value.translated(gettext_for("id")) == (
        "tidak ada sumber bernama 'ghost' (lihat `pantau sources list`)")


def test_an_export_that_cannot_be_written_is_said_by_a_short_reason(
        db: Database, tmp_path: Path) -> None:
    """The system's words ("No such file or directory") stay the English text; a reader reads
    a short reason, in Indonesian by default, in English with the English catalog."""
    from monitor.errors import ServiceError
    from monitor.i18n import gettext_for

    budi = person(db, "budi", "lead")
    out = tmp_path / "no" / "such" / "out.jsonl"
    with pytest.raises(ServiceError) as refused:
        exports.export(db, budi, "jsonl", out, ExportFilter())
    assert str(refused.value) == f"cannot write {out}: No such file or directory"
    assert refused.value.translated(gettext_for("id")) == (
        f"tidak dapat menulis {out}: berkas tidak ditemukan")
    assert refused.value.translated(gettext_for("en")) == f"cannot write {out}: file not found"
