"""Schema migrations (Alembic), run by `pantau init` and checked at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database, SchemaNotReady

__all__ = ["upgrade", "current_revision", "head_revision", "require_current", "make_revision"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to head; idempotent. Returns (revision before, revision after)."""
    before = current_revision(db)
    config = _config()
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("SELECT 1")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def require_current(db: Database) -> None:
    current = current_revision(db)
    if current != head_revision():
        state = "has no Pantau schema" if current is None else f"is at revision {current}"
        raise SchemaNotReady(f"the database {db.describe()} {state}; run `pantau init` first")


def make_revision(db: Database, message: str) -> None:
    """Developer helper: autogenerate a migration against an up-to-date database."""
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
