"""Sources through the use case: removal keeps the posts listed under the source, a source from
pantau.toml is refused with the way to do it, every change audited once."""

from __future__ import annotations

from pathlib import Path

import pytest
from services_helpers import audit_count, last_audit, person

from monitor.config import SourceSpec, load_settings
from monitor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from monitor.policy import operator_actor
from monitor.services import posts, sources
from storage.db import Database
from storage.posts import store_posts
from storage.records import PostRecord

LOCAL = operator_actor(users_exist=True)
FEED = SourceSpec(name="warta", type="rss", url="https://warta.example/feed.xml")


def settings_with(tmp_path: Path, db: Database, toml: str = ""):  # type: ignore[no-untyped-def]
    path = tmp_path / "pantau.toml"
    path.write_text(toml, encoding="utf-8")
    return load_settings(path, database_url=db.url)


def store_under(db: Database, source_id: int) -> None:
    with db.session() as session:
        store_posts(session, [PostRecord(platform="rss", external_id="w1", text="berita")],
                    source_id=source_id)


def test_a_removed_sources_posts_stay_listed_under_its_name(db: Database, tmp_path: Path) -> None:
    row = sources.add_source(db, LOCAL, FEED, settings_with(tmp_path, db))
    store_under(db, row.id)
    before = audit_count(db)
    removed = sources.remove_source(db, LOCAL, "warta")
    assert removed.removed and not removed.enabled and audit_count(db) == before + 1
    assert last_audit(db).action == "source.remove"
    assert sources.list_sources(db, LOCAL) == []
    assert [s.name for s in sources.list_sources(db, LOCAL, include_removed=True)] == ["warta"]
    [post] = posts.list_posts(db, LOCAL, source="warta")
    assert post.source == "warta" and post.record.external_id == "w1"


def test_adding_a_removed_source_again_revives_it_with_its_posts(db: Database,
                                                                 tmp_path: Path) -> None:
    settings = settings_with(tmp_path, db)
    first = sources.add_source(db, LOCAL, FEED, settings)
    store_under(db, first.id)
    sources.remove_source(db, LOCAL, "warta")
    again = sources.add_source(db, LOCAL, FEED, settings)
    assert again.id == first.id and again.enabled and not again.removed
    assert last_audit(db).details["revived"] is True
    assert len(posts.list_posts(db, LOCAL, source="warta")) == 1


def test_a_source_from_pantau_toml_is_not_removed_from_the_command_line(
        db: Database, tmp_path: Path) -> None:
    toml = '[[sources]]\nname = "kominfo"\ntype = "rss"\nurl = "https://kominfo.example/rss"\n'
    settings = settings_with(tmp_path, db, toml)
    assert sources.sync_config(db, settings) == ["added kominfo"]
    assert last_audit(db).actor == "config"
    before = audit_count(db)
    with pytest.raises(InvalidInput, match="remove it from pantau.toml"):
        sources.remove_source(db, LOCAL, "kominfo")
    with pytest.raises(InvalidInput, match="remove it from pantau.toml"):
        sources.set_enabled(db, LOCAL, "kominfo", False)
    assert audit_count(db) == before
    assert sources.sync_config(db, settings) == []  # nothing re-created, nothing changed
    gone = settings_with(tmp_path, db, "")
    assert sources.sync_config(db, gone)[0].startswith("disabled kominfo")
    [row] = sources.list_sources(db, LOCAL)
    assert row.name == "kominfo" and not row.enabled


def test_disabling_and_enabling_a_source(db: Database, tmp_path: Path) -> None:
    sources.add_source(db, LOCAL, FEED, settings_with(tmp_path, db))
    assert not sources.set_enabled(db, LOCAL, "warta", False).enabled
    assert last_audit(db).action == "source.disable"
    assert sources.set_enabled(db, LOCAL, "warta", True).enabled


def test_bad_sources_are_refused_without_an_audit_entry(db: Database, tmp_path: Path) -> None:
    settings = settings_with(tmp_path, db)
    sources.add_source(db, LOCAL, FEED, settings)
    before = audit_count(db)
    with pytest.raises(Conflict, match="already exists"):
        sources.add_source(db, LOCAL, FEED, settings)
    with pytest.raises(InvalidInput, match="unknown source type"):
        sources.add_source(db, LOCAL, SourceSpec(name="x", type="myspace", url="x"), settings)
    with pytest.raises(NotFound, match="no source named"):
        sources.remove_source(db, LOCAL, "ghost")
    assert audit_count(db) == before


def test_only_those_who_manage_sources_may_change_them(db: Database, tmp_path: Path) -> None:
    settings = settings_with(tmp_path, db)
    lead = person(db, "budi", "lead")
    before = audit_count(db)
    with pytest.raises(PermissionDenied, match="may not manage_sources"):
        sources.add_source(db, lead, FEED, settings)
    with pytest.raises(PermissionDenied, match="may not manage_sources"):
        sources.remove_source(db, lead, "warta")
    assert audit_count(db) == before
    assert sources.list_sources(db, lead) == []
