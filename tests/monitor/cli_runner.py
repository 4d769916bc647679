"""Run `pantau …` in-process (click's CliRunner) the way the tests need it."""

from __future__ import annotations

from click.testing import CliRunner

from monitor.cli import cli


def pantau(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr); a crash (not a SystemExit) is re-raised with its traceback."""
    result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
