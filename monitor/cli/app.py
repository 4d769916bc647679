"""The `pantau` command group and what every subcommand shares (settings, database, output)."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from monitor.config import ConfigError, Settings, load_settings
from monitor.services import open_database
from storage.db import Database, StorageError

__all__ = ["cli", "AppContext", "pass_app", "emit_json", "fail", "open_db"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """Lazily built per-invocation state: commands that need no database never open one."""

    config_path: Path | None
    db_url: str | None
    verbose: bool
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config_path, database_url=self.db_url)
            except ConfigError as exc:
                fail(f"configuration error: {exc}")
        return self._settings


pass_app = click.make_pass_decorator(AppContext)


def emit_json(document: Any) -> None:
    """One JSON document on stdout, nothing else (interfaces.md: every --json)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def fail(message: str, code: int = 2) -> None:
    click.echo(f"pantau: {message}", err=True)
    raise SystemExit(code)


def open_db(app: AppContext) -> Database:
    """The configured database at the current schema, or a clear message and exit 2."""
    try:
        return open_database(app.settings)
    except StorageError as exc:
        fail(str(exc))
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", help="Database URL (overrides PANTAU_DATABASE_URL).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="pantau.toml to read (default: ./pantau.toml when present).")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.version_option(package_name="pantau")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, config_path: Path | None, verbose: bool) -> None:
    """Pantau: monitor ASN campaign activity on social media."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    if not verbose:
        for noisy in ("alembic", "httpx", "httpcore", "apscheduler.executors.default"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    ctx.obj = AppContext(config_path=config_path, db_url=db_url, verbose=verbose)
