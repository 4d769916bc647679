"""Queries behind anchors and bundle checks: chain head, counts, the chain up to one entry."""

from __future__ import annotations

from storage.audit import append_audit
from storage.audit_anchor import (
    audit_row,
    chain_head,
    count_through,
    find_export_entry,
    verify_chain_through,
)
from storage.db import Database
from storage.models import AuditEntry


def _fill(db: Database) -> list[int]:
    ids = []
    for i in range(4):
        with db.session() as session:
            action = "export" if i == 1 else "decide"
            ids.append(append_audit(session, actor="ani", action=action, entity="x", entity_id=i,
                                    details={"manifest_sha256": f"m{i}"}).id)
    return ids


def test_an_empty_log_has_an_empty_head(db: Database) -> None:
    with db.reader() as session:
        assert chain_head(session).count == 0 and chain_head(session).entry_id is None
        assert count_through(session, None) == 0 and verify_chain_through(session, 10) == (0, None)


def test_head_counts_and_rows(db: Database) -> None:
    ids = _fill(db)
    with db.reader() as session:
        head = chain_head(session)
        assert (head.entry_id, head.count) == (ids[-1], 4)
        assert head.hash == audit_row(session, ids[-1]).hash  # type: ignore[union-attr]
        assert count_through(session, ids[1]) == 2 and audit_row(session, 10 ** 9) is None
        found = find_export_entry(session, "m1")
        assert found is not None and found.id == ids[1] and found.action == "export"
        assert find_export_entry(session, "m2") is None  # named, but not by an export entry


def test_the_chain_is_checked_only_up_to_the_entry(db: Database) -> None:
    ids = _fill(db)
    with db.session() as session:
        session.get(AuditEntry, ids[2]).details = {"edited": True}  # type: ignore[union-attr]
    with db.reader() as session:
        assert verify_chain_through(session, ids[1]) == (2, None)
        count, broken = verify_chain_through(session, ids[3])
        assert count == 3 and broken is not None and broken.entry_id == ids[2]
