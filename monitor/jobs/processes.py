"""The long-running processes: `pantau run` (scheduler + pipeline + web) and `pantau serve` (web).

Layout of `pantau run`: the main thread runs the asyncio loop with the scheduler and the
source runs; the web app runs in its own thread (uvicorn), so `/metrics` answers even while a
batch is being classified. SIGINT/SIGTERM: stop claiming, give runs in flight a grace period,
cancel what is left (between transactions), drop leases, stop the web server, exit 0 — within
STOP_DEADLINE seconds, or a watchdog ends the process (an open transaction then rolls back).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any, cast

import uvicorn

from monitor.config import Settings
from monitor.first_admin import announce_first_admin
from monitor.i18n import cli_language, gettext_for
from monitor.jobs import memory
from monitor.jobs.captures import capture_periodically
from monitor.jobs.model_watch import LiveScorer, watch
from monitor.jobs.scheduler import Scheduler, SchedulerConfig
from monitor.logfmt import quote as _quote
from monitor.metrics import Metrics
from monitor.scrape import make_client, run_source
from monitor.services import open_database
from monitor.sources import sync_config_sources
from monitor.web.app import create_app
from storage.db import Database
from storage.errors import N_, TemplatedError

__all__ = ["STOP_DEADLINE", "ServiceError", "WebServer", "run_monitor", "serve_web"]

log = logging.getLogger(__name__)
STOP_DEADLINE = 9.5  # seconds from the signal to exit, whatever happens
RUN_GRACE = 6.0  # of which runs in flight may use this much to finish on their own


class ServiceError(TemplatedError, RuntimeError):
    """The service cannot start (port in use, database unreachable); the message is for the user,
    raised with an English template and its values and translated where it is shown."""


class WebServer:
    """uvicorn in a daemon thread: it serves while the main loop is busy, and stops on request."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self.server.run, name="web", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServiceError(N_("the web app could not listen on {url} (port in use? set "
                                      "web.port or PANTAU_WEB__PORT)"), url=self.url)
            time.sleep(0.02)

    def stop(self, timeout: float = 2.0) -> None:
        self.server.should_exit = True
        self._thread.join(timeout)


def _(message: str) -> str:
    """Console messages in the command line's language (PANTAU_LANG, default Indonesian)."""
    return gettext_for(cli_language(), "cli")(message)


def _watchdog(deadline: float) -> None:
    """Last resort after a signal: leave within the promised time even if something hangs."""
    def fire() -> None:
        time.sleep(deadline)
        logging.getLogger(__name__).error("stop deadline passed; exiting now")
        os._exit(0)

    threading.Thread(target=fire, name="stop-watchdog", daemon=True).start()


def _signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Plain signal handlers, not loop.add_signal_handler: they run even while the loop is busy
    in a synchronous batch, so the stop deadline is armed the moment the signal arrives."""
    armed: list[int] = []

    def handle(signum: int, _frame: Any) -> None:
        if not armed:
            armed.append(signum)
            _watchdog(STOP_DEADLINE)
        loop.call_soon_threadsafe(stop.set)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handle)


def _prepare(settings: Settings) -> Database:
    db = open_database(settings, service=True)
    for change in sync_config_sources(db, settings):
        log.info("config_sync %s", change)
    return db


def _config_flag(settings: Settings) -> str:
    path = settings.config_path
    if path is None or path.resolve() == (Path.cwd() / "pantau.toml").resolve():
        return ""
    return f" --config {path}"


def _tell_flagged(run: Callable[[str], Awaitable[Any]], settings: Settings) -> Callable[[str], Awaitable[Any]]:
    """Wrap a run to tell the user, once, where flagged posts are waiting."""
    told = False

    async def wrapped(name: str) -> Any:
        nonlocal told
        report = await run(name)
        if not told and getattr(report, "flagged", None):
            told = True
            print(_("Flagged posts are waiting for review: {command}").format(
                command=f"`pantau{_config_flag(settings)} review list`"), flush=True)
        return report

    return wrapped


def _announce(settings: Settings, db: Database, web: WebServer | None) -> None:
    where = _("metrics: {url}").format(url=f"{web.url}/metrics") + " · " if web else ""
    config = _config_flag(settings)
    log.info("ready db=%s web=%s", _quote(db.describe()), web.url if web else "off")
    print(_("Pantau is running. Flagged posts: {command} · {where}stop: Ctrl-C").format(
        command=f"`pantau{config} review list`", where=where), flush=True)


async def _anchor_periodically(settings: Settings, db: Database, stop: asyncio.Event) -> None:
    """Write a signed audit anchor at start and every `evidence.anchor_interval`, so that a
    re-chained or cut audit log is detectable from outside the database (issue: audit anchors)."""
    from monitor.evidence.anchor import anchor_job

    interval = float(settings.get("evidence.anchor_interval"))
    if interval <= 0:
        return
    directory = Path(settings.get("evidence.anchor_dir") or settings.home / "anchors")
    while not stop.is_set():
        await asyncio.to_thread(anchor_job, db, settings.home, directory)
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def _trim_periodically(stop: asyncio.Event) -> None:
    """Hand the allocator's free pages back to the system every half minute (monitor.jobs.memory)."""
    while not stop.is_set() and await asyncio.to_thread(memory.trim):
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=memory.TRIM_SECONDS)


async def _monitor(settings: Settings, db: Database, config: SchedulerConfig, *,
                   with_web: bool) -> None:
    # The model loads (SHA-256, trusted types, then skops) while the web app starts: the first
    # source run needs both, and neither needs the other.
    loading = asyncio.ensure_future(asyncio.to_thread(LiveScorer, db, settings))
    metrics = Metrics()
    web = None
    try:
        if with_web:
            await asyncio.to_thread(announce_first_admin, db)
            web = WebServer(create_app(settings, db=db, metrics=metrics, first_admin=False),
                            settings.get("web.host"), settings.get("web.port"))
            web.start()
        scorer = await loading
    except BaseException:
        if web is not None:
            web.stop()
        with suppress(BaseException):
            await loading
        raise
    log.info("model version=%s threshold=%.3f", scorer.version, getattr(scorer, "threshold", -1))
    stop = asyncio.Event()
    _signals(asyncio.get_running_loop(), stop)
    try:
        async with make_client(settings) as client:
            scoring = partial(run_source, db, client=client, scorer=cast(Any, scorer),
                              settings=settings)

            async def run_current(name: str) -> Any:
                await asyncio.to_thread(scorer.refresh)  # a promotion elsewhere counts now
                return await scoring(name)

            run = _tell_flagged(run_current, settings)
            scheduler = Scheduler(db, config, run, metrics=metrics)
            await scheduler.start()
            anchors = asyncio.create_task(_anchor_periodically(settings, db, stop))
            captures = asyncio.create_task(capture_periodically(settings, db, stop))
            watcher = asyncio.create_task(watch(scorer, scheduler.owner, config.resync, stop))
            trimmer = asyncio.create_task(_trim_periodically(stop))
            _announce(settings, db, web)
            await stop.wait()
            log.info("signal received, stopping (deadline %.1fs)", STOP_DEADLINE)
            await scheduler.stop(RUN_GRACE)
            anchors.cancel()
            captures.cancel()
            watcher.cancel()
            trimmer.cancel()
    finally:
        if web is not None:
            web.stop()


def _leave(code: int) -> None:
    """End the process now that everything is stopped, flushed and closed.

    Interpreter teardown of a process holding scikit-learn, SciPy and SQLAlchemy took 4–7 s on a
    busy 2-core machine — after the stop had finished, and beyond the watchdog's reach (daemon
    threads are frozen during teardown) — breaking the promised stop deadline.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(code)


def run_monitor(settings: Settings, *, with_web: bool = True, exit_process: bool = True) -> int:
    """`pantau run` until SIGINT/SIGTERM, then exit 0 (or return 0 with `exit_process=False`)."""
    if not settings.get("scrape.contact_url"):
        log.warning("scrape.contact_url is unset: site owners cannot reach you (set it in pantau.toml)")
    config = SchedulerConfig.from_settings(settings)  # a bad setting fails before anything starts
    db = _prepare(settings)
    try:
        asyncio.run(_monitor(settings, db, config, with_web=with_web))
    finally:
        db.dispose()
    log.info("stopped")
    if exit_process:
        _leave(0)
    return 0


def serve_web(settings: Settings, host: str, port: int, *, exit_process: bool = True) -> int:
    """`pantau serve`: the web app alone, until SIGINT/SIGTERM (then exit 0, as run_monitor)."""
    db = open_database(settings, service=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    announce_first_admin(db)
    web = WebServer(create_app(settings, db=db, first_admin=False), host, port)
    try:
        web.start()
        print(_("Pantau web app on {url} (health: /healthz, metrics: /metrics) · stop: Ctrl-C").format(
            url=web.url),
              flush=True)
        stop.wait()
        log.info("stopping web app")
        web.stop(timeout=STOP_DEADLINE - 1)
    finally:
        db.dispose()
    if exit_process:
        _leave(0)
    return 0
