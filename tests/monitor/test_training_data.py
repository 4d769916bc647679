"""Reviewers' decisions flow back into training: confirmed → 1, rejected → 0, others left out."""

from monitor.training_data import reviewed_records
from storage.db import Database
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue


def test_decisions_become_labeled_records(db: Database) -> None:
    records = [PostRecord(platform="facebook", external_id=str(i), text=f"post {i} coblos nomor 2",
                          author=Author(handle=f"a{i}", bio="PNS Dinkes")) for i in range(4)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", 0.9, 0.5, True, "banner", []) for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="social_media_campaign")
        decide(session, 2, decision="confirmed", reviewer="ani")
        decide(session, 3, decision="rejected", reviewer="budi")
        decide(session, 4, decision="escalated", reviewer="budi")
    labeled = {r.external_id: r for r in reviewed_records(db)}
    assert set(labeled) == {"0", "1", "2"}
    assert (labeled["0"].label, labeled["0"].category) == (1, "social_media_campaign")
    assert (labeled["1"].label, labeled["1"].category) == (1, "banner")  # predicted, when not given
    assert labeled["0"].extra["author_is_asn"] is True
    assert labeled["2"].label == 0 and labeled["2"].category is None
    assert labeled["2"].author.bio == "PNS Dinkes"


def test_the_data_teams_labels_join_training_and_override_a_decision(db: Database) -> None:
    from monitor.policy import operator_actor, user_actor
    from monitor.services.labels import set_label
    from monitor.services.users import add_user
    from monitor.training_data import build

    records = [PostRecord(platform="x", external_id=str(i), text=f"apel pagi kantor {i}",
                          author=Author(handle=f"b{i}")) for i in range(2)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", 0.9, 0.5, True, "banner", []) for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        decide(session, 1, decision="confirmed", reviewer="ani", category="banner")
    row = add_user(db, operator_actor(users_exist=True), "dina", "rahasia-panjang-1", "data")
    data = user_actor(row.username, row.role, row.id)
    set_label(db, data, stored[0].id, 0, hard_case="asn_neutral")
    set_label(db, data, stored[1].id, 1, category="mobilisation")
    training = build(db, seed_records=[])
    found = {r.external_id: (r.label, origin) for r, origin in zip(training.records,
                                                                      training.origins, strict=True)}
    assert found == {"0": (0, "label"), "1": (1, "label")}
    without_reviews = build(db, seed_records=[], reviews=False)
    assert set(without_reviews.origins) == {"label"}
