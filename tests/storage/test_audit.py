"""The audit log's hash chain detects edits and removals and names the first broken entry."""

from sqlalchemy import delete, update

from storage.audit import append_audit, verify_chain
from storage.db import Database
from storage.models import AuditEntry


def write(db: Database, n: int) -> None:
    for i in range(n):
        with db.session() as session:
            append_audit(session, actor="ani", action="review.decide", entity="review",
                         entity_id=i, details={"decision": "confirmed", "n": i})


def test_an_untouched_chain_verifies(db: Database) -> None:
    write(db, 5)
    with db.session() as session:
        assert verify_chain(session) == (5, None)


def test_an_edited_entry_is_named(db: Database) -> None:
    write(db, 5)
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(actor="mallory"))
    with db.session() as session:
        count, broken = verify_chain(session)
    assert broken is not None and broken.entry_id == 3 and "edited" in broken.reason


def test_a_removed_entry_breaks_the_chain_at_the_next_one(db: Database) -> None:
    write(db, 5)
    with db.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
    with db.session() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.entry_id == 3 and "removed" in broken.reason


def test_an_entry_rolled_back_with_its_transaction_leaves_no_gap(db: Database) -> None:
    write(db, 2)
    try:
        with db.session() as session:
            append_audit(session, actor="ani", action="x", entity="y")
            raise RuntimeError("the act failed")
    except RuntimeError:
        pass
    write(db, 1)
    with db.session() as session:
        assert verify_chain(session) == (3, None)
