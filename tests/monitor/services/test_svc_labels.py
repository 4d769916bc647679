"""Labeling: the queue serves the least sure posts first, one per near-duplicate group, with a
random share; labels are stored apart with who and when, audited, relabels kept; the export
reads back through the interchange reader."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from services_helpers import audit_count, last_audit, person
from sqlalchemy import select

from monitor.errors import InvalidInput, PermissionDenied
from monitor.policy import operator_actor
from monitor.services.labels import export_labels, next_items, set_label, training_records
from storage.db import Database
from storage.interchange import read_jsonl
from storage.labels import label_history
from storage.models import Post, Review
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores

CAMPAIGN = ("Rekan-rekan ASN Dinas Pendidikan, mari kita dukung paslon nomor 2 Bapak Arif "
            "Santoso pada 27 November nanti demi Kendari yang maju dan sejahtera")


def _words(i: int) -> str:
    """A text of its own: pseudo-words no other post shares."""
    digest = hashlib.sha256(str(i).encode()).hexdigest()
    return " ".join(digest[k:k + 6] for k in range(0, 60, 6))


def _seed(db: Database, scores: dict[str, float], texts: dict[str, str] | None = None) -> dict[str, int]:
    texts = texts or {}
    records = [PostRecord(platform="x", external_id=key, text=texts.get(key, _words(n)),
                          author=Author(handle=f"a{key}"))
               for n, key in enumerate(scores)]
    with db.session() as session:
        stored = store_posts(session, records)
        add_scores(session, [ScoreRow(s.id, 1, "m1", scores[s.record.external_id], 0.5,
                                      scores[s.record.external_id] >= 0.5, None, [])
                             for s in stored])
    return {s.record.external_id: s.id for s in stored}


@pytest.fixture
def data(db: Database):  # type: ignore[no-untyped-def]
    return person(db, "dina", "data")


def test_the_queue_serves_the_least_sure_first_one_per_group(db: Database, data) -> None:  # type: ignore[no-untyped-def]
    scores = {"far": 0.99, "near": 0.52, "nearer": 0.49, "mid": 0.7, "low": 0.1}
    scores |= {f"copy{i}": 0.5 for i in range(5)}  # one campaign, five copies, nearest of all
    texts = {f"copy{i}": CAMPAIGN + f" salam {i}" for i in range(5)}
    ids = _seed(db, scores, texts)
    items = next_items(db, data, 4, random_share=0.0)
    assert [i.post_id for i in items] == [ids["copy0"], ids["nearer"], ids["near"], ids["mid"]]
    assert items[0].group_size == 5 and all(i.sampled_as == "uncertain" for i in items)
    assert len({i.group for i in items}) == len(items)


def test_the_queue_includes_the_random_share_deterministically(db: Database, data) -> None:  # type: ignore[no-untyped-def]
    ids = _seed(db, {f"p{i}": 0.5 + i / 200 for i in range(60)})
    first = next_items(db, data, 10, random_share=0.2, rng=random.Random(7))
    again = next_items(db, data, 10, random_share=0.2, rng=random.Random(7))
    assert [i.post_id for i in first] == [i.post_id for i in again]
    drawn = [i for i in first if i.sampled_as == "random"]
    assert len(drawn) == 2 and len(first) == 10
    uncertain = [i.post_id for i in first if i.sampled_as == "uncertain"]
    assert uncertain == [ids[f"p{i}"] for i in range(8)]  # the random ones come from the rest
    assert not set(uncertain) & {i.post_id for i in drawn}
    assert first[0].sampled_as == "uncertain" and first[-1].sampled_as == "uncertain"  # spread


def test_labeled_posts_and_their_groups_leave_the_queue(db: Database, data) -> None:  # type: ignore[no-untyped-def]
    scores = {"a": 0.5, "b": 0.51} | {f"copy{i}": 0.5 for i in range(3)}
    ids = _seed(db, scores, {f"copy{i}": CAMPAIGN + "!" * i for i in range(3)})
    set_label(db, data, ids["a"], 0)
    set_label(db, data, ids["copy2"], 1, category="social_media_campaign")
    assert [i.post_id for i in next_items(db, data, 10, random_share=0.0)] == [ids["b"]]


def test_a_label_is_stored_with_who_and_when_audited_and_a_relabel_keeps_history(
        db: Database, data) -> None:  # type: ignore[no-untyped-def]
    post_id = _seed(db, {"a": 0.5})["a"]
    before = audit_count(db)
    set_label(db, data, post_id, 1, category="banner", sampled_as="uncertain")
    assert (last_audit(db).action, last_audit(db).actor, last_audit(db).entity_id) == \
        ("label.set", "dina", str(post_id))
    set_label(db, data, post_id, 0, hard_case="news_report")
    entry = last_audit(db)
    assert entry.action == "label.relabel" and entry.details["previous"]["label"] == 1
    assert audit_count(db) == before + 2
    with db.reader() as session:
        history = label_history(session, post_id)
        assert session.scalar(select(Review.id)) is None  # nothing entered the review queue
        assert session.scalar(select(Post.label).where(Post.id == post_id)) is None
    assert [(h.label, h.current, h.labeled_by) for h in history] == [(1, False, "dina"), (0, True, "dina")]
    assert history[0].labeled_at <= history[1].labeled_at and history[0].sampled_as == "uncertain"


def test_who_may_label(db: Database, data) -> None:  # type: ignore[no-untyped-def]
    post_id = _seed(db, {"a": 0.5})["a"]
    for actor in (person(db, "mona", "monitor"), person(db, "lea", "lead"),
                  operator_actor(users_exist=True)):
        with pytest.raises(PermissionDenied):
            set_label(db, actor, post_id, 1)
        with pytest.raises(PermissionDenied):
            next_items(db, actor, 1)
    set_label(db, person(db, "root", "admin"), post_id, 1)
    with pytest.raises(InvalidInput):
        set_label(db, data, post_id, 2)
    with pytest.raises(InvalidInput):
        set_label(db, data, post_id, 0, category="banner")


def test_the_export_round_trips_through_the_interchange_reader(db: Database, data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = _seed(db, {"a": 0.5, "b": 0.4, "c": 0.3})
    set_label(db, data, ids["a"], 1, category="party_approach")
    set_label(db, data, ids["b"], 0, hard_case="civic_info")
    out = tmp_path / "labels.jsonl"
    assert export_labels(db, data, out) == 2
    read = [line.record for line in read_jsonl(out.read_bytes().splitlines())]
    assert [(r.external_id, r.label, r.category, r.hard_case) for r in read] == \
        [("a", 1, "party_approach", None), ("b", 0, None, "civic_info")]
    assert read == list(training_records(db))
    assert json.loads(out.read_text().splitlines()[0])["labeled_by"] == "dina"
    assert last_audit(db).action == "label.export"
