"""Pantau's settings: declared once, loaded from pantau.toml then PANTAU_* environment variables.

Every setting has a section, key, type, default and help line here; nothing else reads the
environment for configuration. `PANTAU_<SECTION>__<KEY>` overrides `[section] key` (interfaces.md §2).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

__all__ = [
    "ConfigError",
    "Setting",
    "SETTINGS",
    "Settings",
    "SourceSpec",
    "load_settings",
    "parse_duration",
]

VERSION = "0.1.0"


class ConfigError(ValueError):
    """Invalid configuration; the message names the setting and the file or variable."""


def parse_duration(value: Any) -> float:
    """`90`, `90s`, `15m`, `1h`, `1d` → seconds."""
    if isinstance(value, bool):
        raise ConfigError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*", str(value))
        if not match:
            raise ConfigError(f"not a duration: {value!r} (use 90, 90s, 15m or 1h)")
        unit = {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        seconds = float(match.group(1)) * unit
    if seconds < 0:
        raise ConfigError(f"a duration cannot be negative: {value!r}")
    return seconds


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"not a boolean: {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"not an integer: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"not an integer: {value!r}") from None


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"not a number: {value!r}") from None


def _str(value: Any) -> str:
    return str(value)


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def env(self) -> str:
        return f"PANTAU_{self.section.upper()}__{self.key.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("scrape", "user_agent", _str, "", "User-Agent sent with every request; "
            "empty means `Pantau/<version> (+<scrape.contact_url>)`"),
    Setting("scrape", "contact_url", _str, "", "where site owners reach the operator (warned when unset)"),
    Setting("scrape", "min_host_delay", parse_duration, 1.0, "minimum time between two requests to one host"),
    Setting("scrape", "max_response_bytes", _int, 10_000_000, "bodies beyond this are cut and recorded as an error"),
    Setting("scrape", "timeout", parse_duration, 20.0, "connect/read timeout"),
    Setting("scrape", "respect_robots", _bool, True, "obey robots.txt (per source overridable)"),
    Setting("scrape", "max_retries", _int, 3, "retries on timeouts, 429 and 5xx"),
    Setting("scrape", "max_redirects", _int, 5, "redirects followed per request"),
    Setting("scrape", "max_pages", _int, 5, "pages followed per source run"),
    Setting("scheduler", "min_interval", parse_duration, 60.0, "no source runs more often than this"),
    Setting("scheduler", "max_concurrent_fetches", _int, 8, "concurrent fetches across all sources"),
    Setting("scheduler", "default_interval", parse_duration, 900.0, "interval of a source that names none"),
    Setting("scheduler", "lease_ttl", parse_duration, 60.0, "how long a node's claim on a source run lasts "
            "without a heartbeat (a dead node's sources wait at most this long)"),
    Setting("scheduler", "lease_heartbeat", parse_duration, 15.0, "how often a live node renews its leases "
            "(at most half of lease_ttl)"),
    Setting("scheduler", "max_backoff", parse_duration, 3600.0, "longest wait before retrying a failing source"),
    Setting("classifier", "recall_target", _float, 0.95, "used to choose the flag threshold when training"),
    Setting("web", "host", _str, "127.0.0.1", "address the web app listens on"),
    Setting("web", "port", _int, 8000, "port the web app listens on"),
    Setting("review", "second_review", _bool, True, "a monitor's confirmation waits for a lead "
            "(not the same person) to confirm or reject it"),
    # Web app (review UI): sessions, cookies, language and time zone, public channels.
    Setting("web", "timezone", _str, "Asia/Makassar", "time zone pages show times in (named on the page)"),
    Setting("web", "session_idle", parse_duration, 1800.0, "a login ends after this long without a request"),
    Setting("web", "session_max", parse_duration, 43200.0, "a login ends this long after it began, active or not"),
    Setting("web", "secure_cookies", _str, "auto", "Secure cookies: true, false, or auto (on unless web.host is loopback)"),
    Setting("web", "metrics_token", _str, "", "bearer token that may read /metrics from other hosts (loopback always may)"),
    Setting("web", "login_max_failures", _int, 5, "failed logins per user name (and 4x per address) before a lock-out"),
    Setting("web", "login_window", parse_duration, 900.0, "how long failed logins count and a lock-out lasts"),
    Setting("web", "report_max_bytes", _int, 5_000_000, "largest attachment accepted on /lapor"),
    Setting("web", "report_rate", _int, 5, "confidential reports accepted per client per hour (counted in memory only)"),
)


@dataclass(frozen=True)
class SourceSpec:
    """A source declared in pantau.toml (`[[sources]]`) or added with `pantau sources add`."""

    name: str
    type: str
    url: str
    interval: float | None = None
    region: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    values: Mapping[str, Any]
    sources: tuple[SourceSpec, ...] = ()
    config_path: Path | None = None
    allow_private_networks: bool = False

    def get(self, name: str) -> Any:
        return self.values[name]

    @property
    def user_agent(self) -> str:
        configured = self.values["scrape.user_agent"]
        if configured:
            return str(configured)
        contact = self.values["scrape.contact_url"] or "contact unset"
        return f"Pantau/{VERSION} (+{contact})"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def snapshots_dir(self) -> Path:
        return self.home / "snapshots"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _source_specs(raw: Any, origin: str) -> tuple[SourceSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{origin}: [[sources]] must be an array of tables")
    specs = []
    for index, item in enumerate(raw):
        where = f"{origin}: sources[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a table")
        missing = [k for k in ("name", "type", "url") if not item.get(k)]
        if missing:
            raise ConfigError(f"{where} is missing {', '.join(missing)}")
        options = item.get("options", {})
        if not isinstance(options, dict):
            raise ConfigError(f"{where}.options must be a table")
        interval = item.get("interval")
        specs.append(SourceSpec(
            name=str(item["name"]), type=str(item["type"]), url=str(item["url"]),
            interval=parse_duration(interval) if interval is not None else None,
            region=item.get("region"), options=dict(options),
        ))
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{origin}: source names repeated: {', '.join(dupes)}")
    return tuple(specs)


def load_settings(
    config_path: Path | None = None,
    *,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Defaults, then pantau.toml (given path or ./pantau.toml), then PANTAU_* variables."""
    env = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    path = config_path
    if path is None and (cwd / "pantau.toml").is_file():
        path = cwd / "pantau.toml"
    data = _read_toml(path) if path is not None else {}
    known_sections = {s.section for s in SETTINGS} | {"sources"}
    unknown = sorted(set(data) - known_sections)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        section = data.get(setting.section, {})
        raw, origin = setting.default, None
        if setting.key in section:
            raw, origin = section[setting.key], f"{path}: {setting.name}"
        if setting.env in env:
            raw, origin = env[setting.env], setting.env
        try:
            values[setting.name] = setting.parse(raw) if origin else raw
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
    for section, table in data.items():
        if section == "sources" or not isinstance(table, dict):
            continue
        extra = sorted(set(table) - {s.key for s in SETTINGS if s.section == section})
        if extra:
            raise ConfigError(f"{path}: unknown setting(s) in [{section}]: {', '.join(extra)}")
    home = Path(env.get("PANTAU_HOME") or cwd / "pantau-data")
    url = database_url or env.get("PANTAU_DATABASE_URL") or f"sqlite:///{home / 'pantau.db'}"
    return Settings(
        home=home, database_url=url, values=values,
        sources=_source_specs(data.get("sources"), str(path)),
        config_path=path,
        allow_private_networks=_bool(env.get("PANTAU_ALLOW_PRIVATE_NETWORKS", "0")),
    )
