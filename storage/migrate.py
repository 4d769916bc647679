"""Schema migrations (Alembic), run by `pantau init` and checked at start-up."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import Database, SchemaNotReady
from storage.errors import N_

if TYPE_CHECKING:  # Alembic loads only when a migration runs or the quick check is unsure
    from alembic.config import Config

__all__ = ["upgrade", "current_revision", "head_revision", "require_current", "make_revision"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to head; idempotent. Returns (revision before, revision after).
    A database already at the shipped head returns at once, without importing Alembic (the
    same check as require_current: `pantau init` with nothing to do)."""
    head = shipped_head()
    if head is not None and _stored_revisions(db) == [head]:
        return head, head
    from alembic import command

    before = current_revision(db)
    config = _config()
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("SELECT 1")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@cache
def shipped_head() -> str | None:
    """The head revision read from the migration files' `revision`/`down_revision` lines, without
    importing Alembic or the scripts; None when that is not one clear head (Alembic decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = dict(_REVISION.findall(source))
        if "revision" not in found or ("down_revision" not in found
                                       and not re.search(r"^down_revision\s*=\s*None", source,
                                                         re.MULTILINE)):
            return None  # a merge (tuple) or an unusual script: leave it to Alembic
        revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(db: Database) -> list[str] | None:
    try:
        with db.engine.connect() as connection:
            return [str(r) for r in connection.scalars(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError:
        return None  # no table yet, or the server refuses: Alembic's check says which


def require_current(db: Database) -> None:
    """Refuse a database that is not at the shipped head. The quick path compares the stored
    revision with the head read from the scripts' text, so a command on a current database
    never imports Alembic."""
    head = shipped_head()
    if head is not None and _stored_revisions(db) == [head]:
        return
    current = current_revision(db)
    if current != head_revision():
        if current is None:
            raise SchemaNotReady(N_("the database {database} has no Pantau schema; run `pantau "
                                    "init` first"), database=db.describe())
        raise SchemaNotReady(N_("the database {database} is at revision {revision}; run `pantau "
                                "init` first"), database=db.describe(), revision=current)


def make_revision(db: Database, message: str) -> None:
    """Developer helper: autogenerate a migration against an up-to-date database."""
    from alembic import command

    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
