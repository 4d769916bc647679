"""One poisonous item among good ones: the good ones are stored on SQLite and PostgreSQL, the bad
one is reported with its reason on the source's run, and the source keeps running later."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from test_scrape_pipeline import FeedServer, feed, rss, scrape, settings  # noqa: F401 (fixtures)

from monitor.config import SourceSpec
from monitor.pipeline import Item, ingest_items
from monitor.sources import add_source
from storage.db import Database
from storage.models import Post
from storage.records import Author, PostRecord
from storage.source_runs import list_runs


def poison_the_database(db: Database, external_id: str) -> None:
    """A real database refusal of one row (a trigger), the kind no record check can foresee."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text(
                "CREATE TRIGGER poison BEFORE INSERT ON posts "
                f"WHEN NEW.external_id = '{external_id}' "
                "BEGIN SELECT RAISE(ABORT, 'poisoned row refused'); END"))
        else:
            conn.execute(text(
                "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.external_id = '{external_id}' THEN RAISE EXCEPTION 'poisoned row refused'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER poison BEFORE INSERT ON posts "
                              "FOR EACH ROW EXECUTE FUNCTION poison()"))


def stored_ids(db: Database) -> set[str]:
    with db.reader() as session:
        return set(session.scalars(select(Post.external_id)))


def write_jsonl(path: Path, ids: Sequence[str]) -> None:
    path.write_text("".join(json.dumps({"platform": "x", "external_id": i, "text": f"pos {i}",
                                        "author": {"handle": f"u{n % 3}"}}) + "\n"
                            for n, i in enumerate(ids)), encoding="utf-8")


def test_a_row_the_database_refuses_costs_only_that_row(db: Database, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    poison_the_database(db, "racun")
    path = tmp_path / "posts.jsonl"
    write_jsonl(path, ["a", "b", "racun", "c", "d"])
    add_source(db, SourceSpec("berkas", "jsonl", str(path), interval=60), settings)
    report = scrape(db, settings, "berkas")
    assert report.ok and stored_ids(db) == {"a", "b", "c", "d"}
    assert (report.fetched, report.new, report.rejected) == (5, 4, 1) and report.reconciles()
    [reason] = [e for e in report.errors if "racun" in e]
    assert "not stored" in reason and "poisoned row refused" in reason
    write_jsonl(path, ["a", "b", "racun", "c", "d", "e"])  # a later cycle: the source goes on
    again = scrape(db, settings, "berkas")
    assert again.ok and (again.new, again.unchanged, again.rejected) == (1, 4, 1)
    assert again.reconciles() and "e" in stored_ids(db)
    with db.reader() as session:
        runs = list_runs(session, source_name="berkas")
    assert [r.status for r in runs] == ["ok", "ok"] and all(r.reconciles() for r in runs)
    assert any("poisoned row refused" in e for e in runs[0].errors)
    assert runs[0].counts == {"fetched": 6, "new": 1, "updated": 0, "unchanged": 4,
                              "duplicates": 0, "rejected": 1}


def test_a_600_character_guid_is_stored_under_a_stable_derived_id(db: Database, feed: FeedServer, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    long_guid = "https://berita.example/" + "x" * 600
    feed.body = rss({"pendek": "Logistik tiba", long_guid: "Paslon kampanye di Unaaha"})
    add_source(db, SourceSpec("berita", "rss", feed.url, interval=60), settings)
    report = scrape(db, settings)
    assert report.ok and (report.fetched, report.new, report.rejected) == (2, 2, 0)
    with db.reader() as session:
        derived = session.scalars(select(Post).where(Post.external_id.like("sha256:%"))).one()
    assert derived.extra["external_id_full"].endswith("x" * 600)
    feed.body = rss({"pendek": "Logistik tiba", long_guid: "Paslon kampanye di Unaaha", "baru": "Debat"})
    again = scrape(db, settings)
    assert (again.new, again.unchanged) == (1, 2) and again.reconciles()


class KeywordScorer:
    """A small real scorer (keyword rule) that fails on one character, the way text preparation
    once failed on a lone superscript digit: the fault the isolation must contain."""

    version = "kata-1"

    def predict(self, records: Sequence[PostRecord], asn_status: Any = None) -> list[Any]:
        out = []
        for record in records:
            if "\u00b3" in record.text:
                raise ValueError("invalid literal for int() with base 10: '³'")
            hit = "coblos" in record.text
            out.append(type("P", (), {"score": 0.9 if hit else 0.1, "flagged": hit,
                                      "model_version": self.version, "threshold": 0.5,
                                      "category": None, "explanation": []})())
        return out


def test_a_post_that_breaks_the_model_costs_only_that_post(db: Database) -> None:
    records = [PostRecord("x", str(i), f"ayo coblos {i}", author=Author(handle="asn"))
               for i in range(6)]
    records[3] = PostRecord("x", "3", "mojibake \u00b3 coblos")
    items = [Item(r, f"line {n}", line=n) for n, r in enumerate(records, 1)]
    stats = ingest_items(db, items, scorer=KeywordScorer())
    assert (stats.new, stats.rejected, stats.scored, stats.queued) == (5, 1, 5, 5)
    assert stats.reconciles() and "scoring failed: ValueError" in stats.errors[0]
    assert stored_ids(db) == {"0", "1", "2", "4", "5"}


@pytest.mark.parametrize("poison", [
    {"extra": {"views": float("inf")}}, {"extra": {"\udc80": 1}}, {"external_id": "i" * 501},
    {"author": Author(name="nama\x00tanpa handle")}, {"region": "r" * 201},
])
def test_records_built_by_adapters_are_checked_at_the_boundary(db: Database, poison: dict[str, Any]) -> None:
    bad = PostRecord(**{"platform": "rss", "external_id": "bad", "text": "t", **poison})
    good = [PostRecord("rss", f"g{i}", "baik") for i in range(3)]
    stats = ingest_items(db, [Item(r, r.external_id) for r in [good[0], bad, *good[1:]]], scorer=None)
    assert stats.reconciles()
    if "author" in poison:  # a NUL in a name is text; only the derived author key drops it
        assert stats.new == 4 and stats.rejected == 0
    else:
        assert (stats.new, stats.rejected) == (3, 1)
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == stats.new


def test_why_an_item_was_rejected_is_a_message_the_indonesian_catalog_translates(db: Database) -> None:
    """Reasons are English text (logs, run records) that keep their template and values, so the
    command line can say them in Indonesian; the exception's own words stay as they are."""
    from monitor.i18n import gettext_for
    from storage.errors import Message

    records = [PostRecord("x", "1", "ayo coblos"), PostRecord("x", "2", "mojibake \u00b3")]
    stats = ingest_items(db, [Item(r, f"x/{r.external_id}") for r in records],
                         scorer=KeywordScorer())
    [reason] = stats.errors
    assert reason == "x/2: scoring failed: ValueError: invalid literal for int() with base 10: '³'"
    assert isinstance(reason, Message)
    assert reason.translated(gettext_for("id")) == (
        "x/2: penilaian gagal: ValueError: invalid literal for int() with base 10: '³'")
