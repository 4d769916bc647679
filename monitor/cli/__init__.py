"""`pantau` command line. Each module below registers its commands on the shared group."""

from monitor.cli.app import cli

# Registration by import: one module per command family.
from monitor.cli import data_commands  # noqa: E402,F401
from monitor.cli import review_commands  # noqa: E402,F401
from monitor.cli import user_commands  # noqa: E402,F401
from monitor.cli import source_commands  # noqa: E402,F401
from monitor.cli import export_commands  # noqa: E402,F401
from monitor.cli import model_commands  # noqa: E402,F401
from monitor.cli import run_commands  # noqa: E402,F401

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="pantau")
