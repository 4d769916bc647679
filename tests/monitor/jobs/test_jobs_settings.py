"""Scheduler settings: read from pantau.toml / PANTAU_* and refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.jobs.scheduler import SchedulerConfig


def test_defaults_give_short_leases_and_a_heartbeat(tmp_path: Path) -> None:
    config = SchedulerConfig.from_settings(load_settings(cwd=tmp_path, environ={}))
    assert (config.lease_ttl, config.heartbeat, config.max_backoff) == (60.0, 15.0, 3600.0)


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {"PANTAU_SCHEDULER__LEASE_TTL": "2m", "PANTAU_SCHEDULER__LEASE_HEARTBEAT": "30s",
           "PANTAU_SCHEDULER__MAX_BACKOFF": "15m"}
    config = SchedulerConfig.from_settings(load_settings(cwd=tmp_path, environ=env))
    assert (config.lease_ttl, config.heartbeat, config.max_backoff) == (120.0, 30.0, 900.0)


def test_pantau_run_refuses_a_heartbeat_slower_than_half_the_ttl(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PANTAU_SCHEDULER__LEASE_HEARTBEAT", "45s")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", "--no-web"])
    code, err = result.exit_code, result.stderr
    assert code != 0 and isinstance(result.exception, SystemExit)
    assert "scheduler.lease_heartbeat" in err and "scheduler.lease_ttl" in err
    assert "Traceback" not in err
