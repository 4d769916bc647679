"""Pipeline round trip: imported posts are scored by the model and flagged ones queued."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from classifier import Model
from monitor.pipeline import import_lines
from storage.db import Database
from storage.interchange import read_jsonl
from storage.models import Review, Score
from storage.records import PostRecord, record_to_dict


def test_import_scores_and_queues(db: Database, model: Model,
                                  seed_records: list[PostRecord]) -> None:
    sample = seed_records[::25]
    lines = [json.dumps(record_to_dict(r), ensure_ascii=False) for r in sample]
    stats = import_lines(db, read_jsonl(lines), scorer=model)
    expected = model.predict(sample)
    assert stats.scored == len(sample)
    assert stats.flagged == sum(p.flagged for p in expected) > 0
    with db.session() as session:
        scores = session.scalars(select(Score)).all()
        queued = session.scalar(select(func.count()).select_from(Review))
    assert {s.model_version for s in scores} == {model.version}
    assert sorted(round(s.score, 9) for s in scores) == sorted(round(p.score, 9) for p in expected)
    assert queued == stats.flagged
    assert all(s.category for s in scores if s.flagged)
