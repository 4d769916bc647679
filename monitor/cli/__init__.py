"""`pantau` command line. Each *_commands module registers its commands on the shared group when
it is imported, which happens when one of its commands runs (monitor/cli/index.py lists them)."""

import sys

import click

from monitor.cli.app import cli


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
        from monitor.cli.app import error_text

        return error_text(exc)
    if isinstance(exc, OSError):  # the system's words as a short reason when the errno is known
        from monitor.cli.app import text_in_language
        from storage.errors import os_reason

        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{text_in_language(os_reason(exc))}"
    return None
