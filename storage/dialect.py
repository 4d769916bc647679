"""The one place that knows SQLite and PostgreSQL spell things differently, and the bulk fast path.

Posts arrive by the thousand; SQLAlchemy's per-row parameter handling costs more than the
database itself there. `bulk_insert_ignore` and `select_by_keys` build plain DB-API statements
once per batch and run the columns' own type processors, so values are converted exactly as
the ORM would convert them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

__all__ = ["bulk_insert_ignore", "insert_ignore", "select_by_keys", "transient_reason"]


def insert_ignore(session: Session, table: Any, conflict_columns: list[str]) -> Any:
    """INSERT ... ON CONFLICT (cols) DO NOTHING for the session's backend."""
    name = session.get_bind().dialect.name
    module: Any = postgresql if name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _processors(conn: Connection, table: Any, columns: Sequence[str]) -> list[Any]:
    return [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]


MAX_PARAMS = 8_000  # per statement: big enough to amortise a round trip, small enough to plan fast


def bulk_insert_ignore(
    conn: Connection, table: Any, rows: Sequence[dict[str, Any]], conflict_columns: Sequence[str],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT … ON CONFLICT DO NOTHING as multi-row VALUES statements (a round trip per few
    thousand rows on both backends); all rows must have the same keys. With `returning`, the
    values of those columns for the rows actually inserted (conflicting rows are skipped)."""
    if not rows:
        return []
    columns = list(rows[0])
    converters = [(i, p) for i, p in enumerate(_processors(conn, table, columns)) if p]
    flat: list[Any] = []
    last: dict[int, tuple[Any, Any]] = {}  # a batch shares values (collected_at): convert once
    for row in rows:
        values = [row[c] for c in columns]
        for i, convert in converters:
            value = values[i]
            seen = last.get(i)
            if seen is not None and seen[0] is value:
                values[i] = seen[1]
            else:
                values[i] = convert(value)
                last[i] = (value, values[i])
        flat.extend(values)
    width = len(columns)
    tail = f" RETURNING {', '.join(returning)}" if returning else ""
    if conn.dialect.name == "postgresql":
        return _insert_unnest(conn, table, columns, flat, conflict_columns, tail, bool(returning))
    one = f"({', '.join([_mark(conn)] * width)})"
    per_statement = max(1, MAX_PARAMS // width)
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per_statement):
        count = min(per_statement, len(rows) - start)
        sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {', '.join([one] * count)} "
               f"ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING{tail}")
        result = conn.exec_driver_sql(sql, tuple(flat[start * width:(start + count) * width]))
        if returning:
            out.extend(tuple(r) for r in result.all())
    return out


PG_ROWS = 5_000  # rows per PostgreSQL statement: one array parameter per column
_LENGTH = re.compile(r"\(\d+\)")


def _array_types(conn: Connection, table: Any, columns: Sequence[str]) -> list[str]:
    """Each column's array type without its length: an explicit cast to VARCHAR(32) would cut
    a longer value silently; to VARCHAR, the INSERT's own assignment refuses it as VALUES did."""
    return [_LENGTH.sub("", f"{table.c[c].type.compile(dialect=conn.dialect)}[]") for c in columns]


def _insert_unnest(
    conn: Connection, table: Any, columns: list[str], flat: list[Any],
    conflict_columns: Sequence[str], tail: str, returning: bool,
) -> list[tuple[Any, ...]]:
    """PostgreSQL: INSERT … SELECT FROM unnest(one array per column). The statement text is the
    same for every batch, so psycopg parses it once (a VALUES list of thousands of placeholders
    is re-parsed on every call, which cost more than the server's work)."""
    width = len(columns)
    # %b: the arrays travel in binary (no per-string quoting and escaping on the client).
    arrays = ", ".join(f"%b::{kind}" for kind in _array_types(conn, table, columns))
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
           f"ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING{tail}")
    out: list[tuple[Any, ...]] = []
    rows = len(flat) // width
    for start in range(0, rows, PG_ROWS):
        part = flat[start * width:min(rows, start + PG_ROWS) * width]
        result = conn.exec_driver_sql(sql, tuple(part[i::width] for i in range(width)))
        if returning:
            out.extend(tuple(r) for r in result.all())
    return out


def select_by_keys(
    conn: Connection, table: Any, key_columns: Sequence[str], keys: Sequence[tuple[Any, ...]],
    columns: Sequence[str], *, lock: bool = False,
) -> list[tuple[Any, ...]]:
    """Rows whose key columns match one of `keys`. `lock`: on PostgreSQL the rows are locked
    (FOR UPDATE) until the transaction ends, so a read-then-write cannot race another writer;
    pass the keys sorted so every writer locks in the same order. (SQLite's BEGIN IMMEDIATE
    already serialises writers.)"""
    if not keys:
        return []
    processors, placeholder = _processors(conn, table, key_columns), _mark(conn)
    on = " AND ".join(f"t.{c} = k.column{i}" for i, c in enumerate(key_columns, start=1))
    flat = [p(v) if p else v for key in keys for v, p in zip(key, processors, strict=False)]
    if conn.dialect.name == "postgresql":
        # The keys as one array per column: a statement psycopg parses once, whatever the count.
        names = ", ".join(f"column{i}" for i in range(1, len(key_columns) + 1))
        arrays = ", ".join(f"%b::{kind}" for kind in _array_types(conn, table, key_columns))
        source = f"unnest({arrays}) AS k({names})"
        width = len(key_columns)
        params: tuple[Any, ...] = tuple(flat[i::width] for i in range(width))
    else:
        # A join against a VALUES list, not a row-value IN: SQLite scans the whole index for the
        # latter but probes the unique index once per key for the join.
        one = f"({', '.join([placeholder] * len(key_columns))})"
        source = f"(VALUES {', '.join([one] * len(keys))}) AS k"
        params = tuple(flat)
    sql = f"SELECT {', '.join('t.' + c for c in columns)} FROM {source} JOIN {table.name} AS t ON {on}"
    if lock and conn.dialect.name == "postgresql":
        sql += " ORDER BY " + ", ".join(f"t.{c}" for c in key_columns) + " FOR UPDATE OF t"
    readers = [table.c[c].type._cached_result_processor(conn.dialect, None) for c in columns]
    return [
        tuple(r(v) if r else v for r, v in zip(readers, row, strict=False))
        for row in conn.exec_driver_sql(sql, params).all()
    ]


# SQLSTATEs of failures that a retry of the whole transaction cures: deadlock, serialization
# failure, lock not available (PostgreSQL).
_RETRYABLE_SQLSTATES = {"40P01": "deadlock", "40001": "serialization failure", "55P03": "lock timeout"}


def transient_reason(exc: BaseException) -> str | None:
    """Why `exc` is a transient write conflict worth retrying (None: it is not): SQLite's
    "database is locked/busy", PostgreSQL's deadlock or serialization failure."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None)
    if state in _RETRYABLE_SQLSTATES:
        return _RETRYABLE_SQLSTATES[state]
    message = str(orig).lower()
    if type(orig).__name__ == "OperationalError" and ("database is locked" in message
                                                      or "database is busy" in message):
        return "database is locked"
    return None
