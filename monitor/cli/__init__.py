"""`pantau` command line. Each module below registers its commands on the shared group."""

import sys

import click

from monitor.cli.app import cli

# Registration by import: one module per command family.
from monitor.cli import data_commands  # noqa: E402,F401
from monitor.cli import review_commands  # noqa: E402,F401
from monitor.cli import user_commands  # noqa: E402,F401
from monitor.cli import source_commands  # noqa: E402,F401
from monitor.cli import export_commands  # noqa: E402,F401
from monitor.cli import model_commands  # noqa: E402,F401
from monitor.cli import run_commands  # noqa: E402,F401
from monitor.cli import evidence_commands  # noqa: E402,F401
from monitor.cli import case_commands  # noqa: E402,F401
from monitor.cli import label_commands  # noqa: E402,F401

__all__ = ["cli", "main"]


def main() -> None:
    """The console script: a model, file or disk problem that escaped a command is said in one
    line (`pantau: …`, exit 2), never as a traceback; anything else is a bug and shows one."""
    try:
        cli(prog_name="pantau")
    except Exception as exc:
        message = _known_problem(exc)
        if message is None:
            raise
        click.echo(f"pantau: {message}", err=True)
        raise SystemExit(2) from None


def _known_problem(exc: Exception) -> str | None:
    errors = sys.modules.get("classifier.errors")  # loaded only if a command used a model
    if errors is not None and isinstance(exc, errors.ClassifierError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return None
