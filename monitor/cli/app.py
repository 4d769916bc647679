"""The `pantau` command group and what every subcommand shares: settings, database, the acting
user, output, and refusals.

Commands are thin: parse the input, call one use case (monitor/services), render the result.
A use case's refusal (monitor.errors) is printed as `pantau: <message>` in the user's language
and the command exits with the error's exit code — never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from monitor.cli import help_text
from monitor.cli.help_text import N_
from monitor.cli.index import COMMANDS
from monitor.cli.lazy_group import LazyGroup
from monitor.errors import ServiceError
from storage.errors import StorageError, TemplatedError

if TYPE_CHECKING:
    from monitor.config import Settings
    from monitor.policy import Actor
    from storage.db import Database

__all__ = ["cli", "AppContext", "pass_app", "emit_json", "fail", "open_db", "refusals", "_",
           "lazy", "error_text", "text_in_language"]


class _LazyModule(ModuleType):
    """A module imported on first attribute use: commands name their use cases at the top, but
    SQLAlchemy and scikit-learn load only when a command that needs them runs (`--help` and
    `--version` load neither)."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(import_module(self.__name__), attr)


def lazy(name: str) -> Any:
    """`name`, imported when first used (typed Any: modules import the real one for mypy
    under TYPE_CHECKING)."""
    return _LazyModule(name)


def _(message: str) -> str:
    """The message in the command line's language (PANTAU_LANG, default Indonesian). The
    catalog loads on the first message (or help text), not at start-up."""
    from monitor.i18n import cli_gettext

    return cli_gettext(message)


help_text.install()  # click's own words ("Usage:", usage errors) in that language too


@dataclass
class AppContext:
    """Lazily built per-invocation state: commands that need no database never open one."""

    config_path: Path | None
    db_url: str | None
    verbose: bool
    acting_as: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from monitor.config import ConfigError, load_settings  # not needed by --help

            try:
                self._settings = load_settings(self.config_path, database_url=self.db_url)
            except ConfigError as exc:
                fail(_("configuration error: {error}").format(error=error_text(exc)))
        return self._settings

    def actor(self, db: Database) -> Actor:
        """Who this command acts as: `--as USER` / PANTAU_USER, else the local operator."""
        from monitor.services.users import cli_actor

        with refusals():
            return cli_actor(db, self.acting_as)


pass_app = click.make_pass_decorator(AppContext)


def emit_json(document: Any) -> None:
    """One JSON document on stdout, nothing else (interfaces.md: every --json)."""
    import json

    sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"pantau: {message}", err=True)
    raise SystemExit(code)


def error_text(exc: BaseException) -> str:
    """An error's message in the command line's language: a use case's refusal, a storage,
    classifier or configuration problem, a service that cannot start (every TemplatedError)
    translated from its template, any other error's text as it is."""
    if isinstance(exc, TemplatedError):
        return exc.translated(_)
    return str(exc)


def text_in_language(text: str) -> str:
    """A text from storage in the command line's language: a storage.errors.Message (such as
    why an imported line was refused) translated from its template, any other str as it is."""
    from storage.errors import Message

    return text.translated(_) if isinstance(text, Message) else text


@contextmanager
def refusals() -> Iterator[None]:
    """A use case's refusal, or a storage problem, as `pantau: <message>` and its exit code."""
    try:
        yield
    except ServiceError as exc:
        fail(exc.translated(_), exc.exit_code)
    except StorageError as exc:
        fail(exc.translated(_))


def open_db(app: AppContext) -> Database:
    """The configured database at the current schema, or a clear message and exit 2."""
    from monitor.services.runtime import open_database

    with refusals():
        return open_database(app.settings)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`--version`: the version monitor.config declares (the package's, checked by a test),
    without importlib.metadata's scan of every installed distribution."""
    if not value or ctx.resilient_parsing:
        return
    from monitor.config import VERSION

    click.echo(_("{prog}, version {version}").format(prog=ctx.find_root().info_name or "pantau",
                                                      version=VERSION))
    ctx.exit()


@click.group(cls=LazyGroup, table=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL",
              help=N_("Database URL (overrides PANTAU_DATABASE_URL)."))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("pantau.toml to read (default: ./pantau.toml when present)."))
@click.option("--as", "acting_as", metavar="USER",
              help=N_("Act as this user (default: PANTAU_USER, else the local operator)."))
@click.option("-v", "--verbose", is_flag=True, help=N_("Debug logging on stderr."))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help=N_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, config_path: Path | None, acting_as: str | None,
        verbose: bool) -> None:
    """Pantau: monitor ASN campaign activity on social media."""
    import logging  # here, not at start-up: `pantau --help` never needs it

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    if not verbose:
        for noisy in ("alembic", "httpx", "httpcore", "apscheduler.executors.default"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    acting_as = acting_as or os.environ.get("PANTAU_USER") or None
    ctx.obj = AppContext(config_path=config_path, db_url=db_url, verbose=verbose,
                         acting_as=acting_as)
