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
