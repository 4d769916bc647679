"""`pantau run` (the monitor) and `pantau serve` (the web app alone)."""

from __future__ import annotations

import click

from monitor.cli.app import AppContext, cli, error_text, fail, pass_app
from monitor.cli.help_text import N_
from monitor.config import ConfigError
from monitor.logfmt import configure_logging
from storage.errors import StorageError

_LOG_FORMAT = click.option("--log-format", type=click.Choice(["logfmt", "json"]), default="logfmt",
                           show_default=True, help=N_("Log lines on stderr: key=value or JSON."))


@cli.command("run")
@click.option("--no-web", is_flag=True, help=N_("Scheduler only (no /healthz, /metrics)."))
@click.option("-v", "--verbose", "verbose_here", is_flag=True, help=N_("Debug logging."))
@_LOG_FORMAT
@pass_app
def run_command(app: AppContext, no_web: bool, verbose_here: bool, log_format: str) -> None:
    """The monitor: scheduler + pipeline + web app, until SIGINT/SIGTERM."""
    from monitor.jobs.memory import limit_arenas
    from monitor.jobs.warmup import start_warmup

    limit_arenas()  # before any thread of the service exists (monitor.jobs.memory)
    start_warmup()  # the classifier's libraries import beside the service's (first flag sooner)
    from monitor.jobs.processes import ServiceError, run_monitor

    configure_logging(app.verbose or verbose_here, json_lines=log_format == "json")
    try:
        code = run_monitor(app.settings, with_web=not no_web)
    except (ServiceError, StorageError, ConfigError) as exc:
        fail(error_text(exc))
        raise
    raise SystemExit(code)


@cli.command("serve")
@click.option("--host", help=N_("Default: web.host."))
@click.option("--port", type=click.IntRange(0, 65535), help=N_("Default: web.port."))
@click.option("-v", "--verbose", "verbose_here", is_flag=True, help=N_("Debug logging."))
@_LOG_FORMAT
@pass_app
def serve_command(app: AppContext, host: str | None, port: int | None, verbose_here: bool,
                  log_format: str) -> None:
    """The web app alone: review pages, health and metrics, without the scheduler."""
    from monitor.jobs.memory import limit_arenas

    limit_arenas()
    from monitor.jobs.processes import ServiceError, serve_web

    configure_logging(app.verbose or verbose_here, json_lines=log_format == "json")
    settings = app.settings
    try:
        code = serve_web(settings, host or settings.get("web.host"),
                         port if port is not None else settings.get("web.port"))
    except (ServiceError, StorageError) as exc:
        fail(error_text(exc))
        raise
    raise SystemExit(code)
