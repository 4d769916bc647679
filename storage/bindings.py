"""Rows bound to the audit chain: decisions, users, sources and cases are covered by an entry's
hash.

The audit log's hash chain proves that no *entry* was edited, removed or inserted. The rows the
entries speak about live in other tables, so each change to a `review_decisions`, `users`,
`sources` or case row (`cases`, `case_items`, `case_steps`) appends its entry with a binding
in `details["rows"]`: the table, the row id and a SHA-256 of the row's canonical content. `verify_rows` then finds a row that was edited (it no
longer matches the last entry that bound it), deleted (an entry binds a row that is gone) or
inserted (a row no entry binds), and names the row and the entry.

Only the columns that a person decides are bound: a source's health, cursor and lease change on
every run and are not evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from storage.models import Case, CaseItem, CaseStep, ReviewDecision, Source, User

__all__ = ["BOUND_COLUMNS", "RowProblem", "row_binding", "row_digest", "verify_rows",
           "bind_all_rows", "collect_bindings"]

BOUND_COLUMNS: dict[str, tuple[str, ...]] = {
    "review_decisions": ("id", "review_id", "decision", "previous_status", "category", "note",
                         "reviewer", "decided_at", "review_version"),
    "users": ("id", "username", "password_hash", "role", "active", "created_at"),
    "sources": ("id", "name", "type", "url", "interval_seconds", "region", "options", "enabled",
                "origin", "asn_status", "removed_at"),
    "cases": ("id", "author_id", "region", "status", "opened_by", "opened_at", "known_at",
              "updated_at"),
    "case_items": ("id", "case_id", "review_id", "post_id", "added_by", "added_at"),
    "case_steps": ("id", "case_id", "step", "happened_on", "reference", "note", "actor",
                   "recorded_at"),
}
_TABLES: dict[str, Table] = {
    "review_decisions": ReviewDecision.__table__,  # type: ignore[dict-item]
    "users": User.__table__,  # type: ignore[dict-item]
    "sources": Source.__table__,  # type: ignore[dict-item]
    "cases": Case.__table__,  # type: ignore[dict-item]
    "case_items": CaseItem.__table__,  # type: ignore[dict-item]
    "case_steps": CaseStep.__table__,  # type: ignore[dict-item]
}


@dataclass(frozen=True)
class RowProblem:
    table: str
    row_id: int
    entry_id: int | None
    reason: str

    def describe(self) -> str:
        entry = f" (audit entry {self.entry_id})" if self.entry_id is not None else ""
        return f"{self.table} row {self.row_id}{entry}: {self.reason}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _digest(values: Mapping[Any, Any]) -> str:
    body = json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True,
                      ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _select(table: str) -> Any:
    columns = _TABLES[table].c
    return select(*(columns[name] for name in BOUND_COLUMNS[table]))


def row_digest(session: Session, table: str, row_id: int) -> str | None:
    """SHA-256 of the row's bound columns, or None when the row does not exist."""
    row = session.execute(_select(table).where(_TABLES[table].c.id == row_id)).mappings().first()
    return None if row is None else _digest(row)


def row_binding(session: Session, table: str, row_id: int) -> dict[str, Any]:
    """The binding to put in an audit entry's `details["rows"]` (after the row was written)."""
    session.flush()
    return {"table": table, "id": int(row_id), "sha256": row_digest(session, table, row_id)}


def _all_rows(session: Session, table: str) -> Iterable[tuple[int, str]]:
    for row in session.execute(_select(table).order_by(_TABLES[table].c.id)).mappings():
        yield int(row["id"]), _digest(row)


def collect_bindings(bindings: dict[tuple[str, int], tuple[int, str | None]],
                     entry_id: int, details: Mapping[str, Any]) -> None:
    """Fold one audit entry's bindings into {(table, id): (entry id, sha256)}; later wins."""
    rows = details.get("rows") if isinstance(details, Mapping) else None
    if not isinstance(rows, list):
        return
    for item in rows:
        if isinstance(item, Mapping) and item.get("table") in _TABLES:
            bindings[(str(item["table"]), int(item["id"]))] = (entry_id, item.get("sha256"))


def verify_rows(session: Session,
                bindings: Mapping[tuple[str, int], tuple[int, str | None]]) -> list[RowProblem]:
    """Every bound row as its last entry recorded it, every bound row present, none unbound."""
    problems: list[RowProblem] = []
    for table in _TABLES:
        seen = set()
        for row_id, digest in _all_rows(session, table):
            seen.add(row_id)
            bound = bindings.get((table, row_id))
            if bound is None or bound[1] is None:
                problems.append(RowProblem(table, row_id, None, "no audit entry records this row "
                                           "(inserted outside Pantau)"))
            elif bound[1] != digest:
                problems.append(RowProblem(table, row_id, bound[0], "the row does not match what "
                                           "its audit entry recorded (edited)"))
        for (bound_table, row_id), (entry_id, recorded) in bindings.items():
            if bound_table == table and recorded is not None and row_id not in seen:
                problems.append(RowProblem(table, row_id, entry_id, "the audit entry records this "
                                           "row but it is missing (deleted)"))
    return sorted(problems, key=lambda p: (p.entry_id or 0, p.table, p.row_id))


# The tables that existed when migration 0002 bound the rows written before bindings.
_BOUND_AT_0002 = ("review_decisions", "users", "sources")


def bind_all_rows(session: Session, *, actor: str,
                  tables: tuple[str, ...] = _BOUND_AT_0002) -> int:
    """One entry covering every bound row of `tables` as it is now (rows from before bindings
    existed).

    Run by migration 0002, so it writes the entry with a Core insert of the columns that
    revision knows (a later revision may add audit_log columns the ORM class then has), and
    reads only the tables that revision has."""
    from storage.audit import GENESIS, entry_hash
    from storage.models import AuditEntry

    rows = [{"table": table, "id": row_id, "sha256": digest}
            for table in tables for row_id, digest in _all_rows(session, table)]
    if not rows:
        return 0
    log = cast(Table, AuditEntry.__table__)
    last = session.execute(select(log.c.hash).order_by(log.c.id.desc()).limit(1)).scalar()
    entry = SimpleNamespace(at=datetime.now(UTC), actor=actor, action="audit.bind_rows",
                            entity="audit", entity_id=None, details={"rows": rows})
    prev = last or GENESIS
    session.execute(insert(log).values(
        at=entry.at, actor=actor, action=entry.action, entity=entry.entity, entity_id=None,
        details=entry.details, prev_hash=prev, hash=entry_hash(prev, entry)))  # type: ignore[arg-type]
    return len(rows)
