"""The start-up schema check: commands compare the stored revision with the head read from the
migration files' text, so a current database is accepted without importing Alembic — that head
must be Alembic's own, and anything else still goes through Alembic's check."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from storage.db import Database, SchemaNotReady
from storage.migrate import _config, head_revision, require_current, shipped_head, upgrade


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    heads = ScriptDirectory.from_config(_config()).get_heads()
    assert heads == [head_revision()]
    assert shipped_head() == heads[0]


def test_a_current_database_is_accepted_without_importing_alembic(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db)
    db.dispose()
    probe = ("import sys\nfrom storage.db import Database\nfrom storage.migrate import require_current\n"
             f"db = Database({db_url!r})\nrequire_current(db)\ndb.dispose()\n"
             "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_upgrading_a_current_database_does_nothing_and_imports_no_alembic(db_url: str) -> None:
    db = Database(db_url)
    upgrade(db)
    db.dispose()
    probe = ("import sys\nfrom storage.db import Database\nfrom storage.migrate import upgrade\n"
             f"db = Database({db_url!r})\nprint(upgrade(db), 'alembic' in sys.modules)\n"
             "db.dispose()")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    head = head_revision()
    assert done.stdout.strip() == f"({head!r}, {head!r}) False"


def test_an_older_schema_is_upgraded_to_head(db_url: str) -> None:
    db = Database(db_url)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    assert upgrade(db) == ("0001", head_revision())
    require_current(db)
    db.dispose()


def test_an_older_schema_is_refused_with_its_revision(db_url: str) -> None:
    db = Database(db_url)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with pytest.raises(SchemaNotReady, match="revision 0001.*pantau init"):
        require_current(db)
    db.dispose()


def test_an_empty_database_is_refused(db_url: str) -> None:
    db = Database(db_url)
    with pytest.raises(SchemaNotReady, match="no Pantau schema"):
        require_current(db)
    db.dispose()
