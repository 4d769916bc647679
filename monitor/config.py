"""Pantau's settings: declared once, loaded from pantau.toml then PANTAU_* environment variables.

Every setting has a section, key, type, default and help line here; nothing else reads the
environment for configuration. `PANTAU_<SECTION>__<KEY>` overrides `[section] key` (interfaces.md §2).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import N_, TemplatedError, os_reason

__all__ = [
    "SETTINGS",
    "ConfigError",
    "Duration",
    "Flag",
    "Number",
    "Setting",
    "Settings",
    "SourceSpec",
    "Text",
    "WholeNumber",
    "load_settings",
    "parse_duration",
]

VERSION = "0.1.0"


class ConfigError(TemplatedError, ValueError):
    """Invalid configuration; the message names the setting and the file or variable.

    Raised with an English template marked `N_` and its values (storage.errors.TemplatedError):
    `str(error)` is the English text, `translated(gettext)` the reader's language (the templates
    are ids of the `cli` catalog; the CLI and the web app translate them where they are shown)."""


def _within(where: str, error: ConfigError) -> ConfigError:
    """`error` prefixed with where it was found (a file and setting, a variable). The prefix has
    no words to translate, so its template is no message id; the inner error stays a `Message`
    and is translated with the rest."""
    return ConfigError("{where}: {error}", where=where, error=error.as_message())


_DURATION = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)?\s*")
_WHOLE = re.compile(r"\s*[+-]?[0-9](?:_?[0-9])*\s*")  # ASCII digits ("³".isdigit() is True)
_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse_duration(value: Any) -> float:
    """`90`, `90s`, `15m`, `1h`, `1d` → seconds (finite, not negative)."""
    if isinstance(value, bool):
        raise ConfigError(N_("not a duration: {value!r}"), value=value)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.fullmatch(value)):
        unit = {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        seconds = float(match.group(1)) * unit
    else:
        raise ConfigError(N_("not a duration: {value!r} (use 90, 90s, 15m or 1h)"), value=value)
    if not math.isfinite(seconds):
        raise ConfigError(N_("not a finite duration: {value!r}"), value=value)
    if seconds < 0:
        raise ConfigError(N_("a duration cannot be negative: {value!r}"), value=value)
    return seconds


def _in_range(
    number: float, low: float | None, high: float | None, show: Callable[[float], str]
) -> None:
    if not ((low is not None and number < low) or (high is not None and number > high)):
        return
    if low is not None and high is not None:
        raise ConfigError(N_("must be between {low} and {high}, got {value}"),
                          low=show(low), high=show(high), value=show(number))
    if low is not None:
        raise ConfigError(N_("must be at least {low}, got {value}"), low=show(low),
                          value=show(number))
    raise ConfigError(N_("must be at most {high}, got {value}"), high=show(high or 0),
                      value=show(number))


def _seconds(value: float) -> str:
    return f"{value:g}s"


@dataclass(frozen=True)
class Duration:
    """A duration setting within [minimum, maximum] seconds."""

    minimum: float | None = 0.0
    maximum: float | None = None

    def __call__(self, value: Any) -> float:
        seconds = parse_duration(value)
        _in_range(seconds, self.minimum, self.maximum, _seconds)
        return seconds

    def invalid(self) -> tuple[Any, ...]:
        """Values this setting must refuse (the table-driven settings test uses them)."""
        out: list[Any] = ["abc", True, {"a": 1}, [1], -1, "-1s", float("inf"), float("nan"), "1y"]
        if self.minimum:
            out.append(self.minimum / 2)
        if self.maximum is not None:
            out.append(self.maximum * 2)
        return tuple(out)


@dataclass(frozen=True)
class WholeNumber:
    """An integer setting within [minimum, maximum]: no bools, no fractions, ASCII digits."""

    minimum: int | None = None
    maximum: int | None = None

    def __call__(self, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _WHOLE.fullmatch(value):
            number = int(value)
        else:
            raise ConfigError(N_("not a whole number: {value!r}"), value=value)
        _in_range(number, self.minimum, self.maximum, lambda n: f"{n:g}")
        return number

    def invalid(self) -> tuple[Any, ...]:
        out: list[Any] = ["abc", 2.7, "2.7", True, {"a": 1}, [1], "³", ""]
        if self.minimum is not None:
            out.append(self.minimum - 1)
        if self.maximum is not None:
            out.append(self.maximum + 1)
        return tuple(out)


@dataclass(frozen=True)
class Number:
    """A finite real-number setting within [minimum, maximum]."""

    minimum: float | None = None
    maximum: float | None = None

    def __call__(self, value: Any) -> float:
        real = isinstance(value, int | float) and not isinstance(value, bool)
        if not real and not (isinstance(value, str) and _NUMBER.fullmatch(value)):
            raise ConfigError(N_("not a number: {value!r}"), value=value)
        number = float(value)
        if not math.isfinite(number):
            raise ConfigError(N_("not a finite number: {value!r}"), value=value)
        _in_range(number, self.minimum, self.maximum, lambda n: f"{n:g}")
        return number

    def invalid(self) -> tuple[Any, ...]:
        out: list[Any] = ["abc", True, {"a": 1}, float("nan"), float("inf"), "1e999"]
        if self.minimum is not None:
            out.append(self.minimum - 1)
        if self.maximum is not None:
            out.append(self.maximum + 1)
        return tuple(out)


@dataclass(frozen=True)
class Text:
    """A string setting: no control characters; `header` ones (sent in HTTP headers) printable
    ASCII only; `required` ones non-empty."""

    header: bool = False
    required: bool = False

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ConfigError(N_("not a string: {value!r}"), value=value)
        if _CONTROL.search(value):
            raise ConfigError(N_("contains a control character: {value!r}"), value=value)
        if self.header and not value.isascii():
            raise ConfigError(N_("must be ASCII (it is sent in an HTTP header): {value!r}"),
                              value=value)
        if self.required and not value.strip():
            raise ConfigError(N_("must not be empty"))
        return value

    def invalid(self) -> tuple[Any, ...]:
        out: list[Any] = [5, True, {"a": 1}, ["x"], "bad\nline", "nul\x00"]
        out += ["café ü"] if self.header else []
        out += ["", "  "] if self.required else []
        return tuple(out)


@dataclass(frozen=True)
class Flag:
    """A boolean setting: TOML true/false, or 1/0/true/false/yes/no/on/off in the environment."""

    def __call__(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = value.strip().lower() if isinstance(value, str) else None
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(N_("not a boolean: {value!r} (use true or false)"), value=value)

    def invalid(self) -> tuple[Any, ...]:
        return ("maybe", 2, 1.5, {"a": 1}, ["true"])


@dataclass(frozen=True)
class Choice:
    """One of a few words (case-insensitive)."""

    choices: tuple[str, ...]

    def __call__(self, value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else ""
        if text not in self.choices:
            raise ConfigError(N_("must be one of {choices}: {value!r}"),
                              choices=", ".join(self.choices), value=value)
        return text

    def invalid(self) -> tuple[Any, ...]:
        return ("maybe", 2, True, {"a": 1}, "")


@dataclass(frozen=True)
class TimeZone:
    """An IANA time zone name, e.g. Asia/Makassar (WITA), Asia/Jakarta (WIB), Asia/Jayapura (WIT)."""

    def __call__(self, value: Any) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if not isinstance(value, str) or not value.strip():
            raise ConfigError(N_("not a time zone name: {value!r} (e.g. Asia/Makassar)"), value=value)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(N_("unknown time zone: {value!r} (e.g. Asia/Makassar)"),
                              value=value) from None
        return value

    def invalid(self) -> tuple[Any, ...]:
        return ("Mars/Olympus", "", 5, "../etc/passwd")


_bool = Flag()
_int = WholeNumber()
_float = Number()
_str = Text()


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
    Setting("scrape", "user_agent", Text(header=True), "", "User-Agent sent with every request; "
            "empty means `Pantau/<version> (+<scrape.contact_url>)`"),
    Setting("scrape", "contact_url", Text(header=True), "", "where site owners reach the operator (warned when unset)"),
    Setting("scrape", "min_host_delay", Duration(0, 3600), 1.0, "minimum time between two requests to one host"),
    Setting("scrape", "max_response_bytes", WholeNumber(1024, 1_000_000_000), 10_000_000,
            "bodies beyond this are cut and recorded as an error"),
    Setting("scrape", "timeout", Duration(0.1, 600), 20.0, "connect/read timeout"),
    Setting("scrape", "respect_robots", _bool, True, "obey robots.txt (per source overridable)"),
    Setting("scrape", "max_retries", WholeNumber(0, 10), 3, "retries on timeouts, 429 and 5xx"),
    Setting("scrape", "max_redirects", WholeNumber(0, 20), 5, "redirects followed per request"),
    Setting("scrape", "max_pages", WholeNumber(1, 1000), 5, "pages followed per source run"),
    Setting("scrape", "max_retry_after", Duration(1, 7 * 86400), 3600.0,
            "longest Retry-After honoured: a source asked to wait longer waits this long (other sources on the host are unaffected)"),
    Setting("scrape", "request_deadline", Duration(1, 3600), 60.0,
            "wall-clock limit of one request, across redirects, retries and waits"),
    Setting("scheduler", "min_interval", Duration(1, 7 * 86400), 60.0, "no source runs more often than this"),
    Setting("scheduler", "max_concurrent_fetches", WholeNumber(1, 1000), 8, "concurrent fetches across all sources"),
    Setting("scheduler", "default_interval", Duration(1, 30 * 86400), 900.0, "interval of a source that names none"),
    Setting("scheduler", "lease_ttl", Duration(1, 86400), 60.0, "how long a node's claim on a source run lasts "
            "without a heartbeat (a dead node's sources wait at most this long)"),
    Setting("scheduler", "lease_heartbeat", Duration(0.5, 43200), 15.0, "how often a live node renews its "
            "leases (at most half of lease_ttl)"),
    Setting("scheduler", "max_backoff", Duration(1, 7 * 86400), 3600.0,
            "longest wait before retrying a failing source"),
    Setting("classifier", "recall_target", Number(0.01, 1.0), 0.95, "used to choose the flag threshold when training"),
    Setting("classifier", "holdout_share", Number(0.05, 0.5), 0.2,
            "share of near-duplicate groups held out when training, to compare models on"),
    Setting("classifier", "promote_tolerance", Number(0.0, 1.0), 0.01,
            "how far F1 or recall on the held-out records may fall below the active model's "
            "before a promotion is refused"),
    Setting("classifier", "max_hard_case_fpr", Number(0.0, 1.0), 0.10,
            "a candidate whose false-positive rate on a hard case is beyond this (and above the "
            "active model's) is refused promotion"),
    Setting("classifier", "rescore_recent", Duration(0, 3650 * 86400), 30 * 86400.0,
            "after a promotion or rollback, posts collected this recently are re-scored (and all "
            "pending ones)"),
    Setting("classifier", "rescore_batch", WholeNumber(1, 100_000), 500,
            "posts per re-scoring transaction"),
    Setting("web", "host", Text(required=True), "127.0.0.1", "address the web app listens on"),
    Setting("web", "port", WholeNumber(1, 65535), 8000, "port the web app listens on"),
    Setting("review", "second_review", _bool, True, "a monitor's confirmation waits for a lead "
            "(not the same person) to confirm or reject it"),
    # Web app (review UI): sessions, cookies, language and time zone, public channels.
    Setting("web", "timezone", TimeZone(), "Asia/Makassar", "time zone pages show times in (named on the page)"),
    Setting("web", "session_idle", Duration(1, 7 * 86400), 1800.0, "a login ends after this long without a request"),
    Setting("web", "session_max", Duration(1, 30 * 86400), 43200.0, "a login ends this long after it began, active or not"),
    Setting("web", "secure_cookies", Choice(("auto", "true", "false")), "auto",
            "Secure cookies: true, false, or auto (on unless web.host is loopback)"),
    Setting("web", "metrics_token", Text(header=True), "", "bearer token that may read /metrics from other hosts (loopback always may)"),
    Setting("web", "login_max_failures", WholeNumber(1, 1000), 5, "failed logins per user name (and 4x per address) before a lock-out"),
    Setting("web", "login_window", Duration(1, 86400), 900.0, "how long failed logins count and a lock-out lasts"),
    Setting("web", "report_max_bytes", WholeNumber(0, 100_000_000), 5_000_000, "largest attachment accepted on /lapor"),
    Setting("web", "report_rate", WholeNumber(1, 10_000), 5, "confidential reports accepted per client per hour (counted in memory only)"),
    # Cases: how long each follow-up step may take after the one before it.
    Setting("cases", "report_within", Duration(3600, 365 * 86400), 7 * 86400.0,
            "a confirmed finding must be reported to Bawaslu/KASN this long after it became known"),
    Setting("cases", "recommendation_within", Duration(3600, 365 * 86400), 30 * 86400.0,
            "the recommendation is due this long after the day the case was reported"),
    Setting("cases", "sanction_within", Duration(3600, 365 * 86400), 14 * 86400.0,
            "the PPK's sanction is due this long after the day of the recommendation"),
    # The data team's labeling queue.
    Setting("label", "random_share", Number(0.0, 1.0), 0.2, "share of the labeling queue drawn "
            "at random from the unlabeled posts (the rest: the model's least sure), for unbiased evaluation"),
    # Evidence: the audit chain's head, signed, written at intervals outside the database.
    Setting("evidence", "anchor_interval", Duration(0, 7 * 86400), 3600.0,
            "how often `pantau run` writes a signed audit anchor (0: never)"),
    Setting("evidence", "anchor_dir", Text(), "", "where the anchors go (default $PANTAU_HOME/anchors); "
            "copy them off this machine"),
    # Evidence: page captures (screenshot and PDF) of flagged posts.
    Setting("evidence", "capture", _bool, False, "capture the page of each flagged post (PNG and PDF, "
            "headless Chromium); per source: option capture=true/false"),
    Setting("evidence", "capture_timeout", Duration(1, 600), 30.0, "time limit of one page capture"),
    Setting("evidence", "tsa_url", Text(), "", "RFC 3161 time-stamping authority that timestamps "
            "each bundle's manifest (empty: none)"),
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
        raise ConfigError(N_("{path}: invalid TOML: {error}"), path=path, error=str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(N_("{path}: not valid UTF-8 text (byte {byte})"), path=path,
                          byte=exc.start) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(N_("{path}: cannot read: {error}"), path=path,
                          error=os_reason(exc)) from None  # a short reason when known


def _source_text(item: Mapping[str, Any], key: str, where: str, limit: int) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(N_("{where}.{key} must be a string, got {type} {value!r}"), where=where,
                          key=key, type=type(value).__name__, value=value)
    if _CONTROL.search(value) or len(value) > limit:
        raise ConfigError(N_("{where}.{key} must be at most {limit} characters without control "
                             "characters"), where=where, key=key, limit=limit)
    return value


def _source_spec(item: Any, where: str) -> SourceSpec:
    if not isinstance(item, dict):
        raise ConfigError(N_("{where} must be a table"), where=where)
    name, kind = _source_text(item, "name", where, 200), _source_text(item, "type", where, 40)
    url, region = _source_text(item, "url", where, 4000), _source_text(item, "region", where, 200)
    missing = [k for k, v in (("name", name), ("type", kind), ("url", url)) if not (v or "").strip()]
    if missing:
        raise ConfigError(N_("{where} is missing {keys}"), where=where, keys=", ".join(missing))
    options = item.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(N_("{where}.options must be a table"), where=where)
    interval = item.get("interval")
    try:
        seconds = Duration(1, 365 * 86400)(interval) if interval is not None else None
    except ConfigError as exc:
        raise _within(f"{where}.interval", exc) from None
    return SourceSpec(name=str(name), type=str(kind), url=str(url), interval=seconds,
                      region=region, options=dict(options))


def _source_specs(raw: Any, origin: str) -> tuple[SourceSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(N_("{origin}: [[sources]] must be an array of tables"), origin=origin)
    specs = [_source_spec(item, f"{origin}: sources[{index}]") for index, item in enumerate(raw)]
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(N_("{origin}: source names repeated: {names}"), origin=origin,
                          names=", ".join(dupes))
    return tuple(specs)


def _check_sections(data: Mapping[str, Any], path: Path | None) -> None:
    """Every section known and a table; every key in it a known setting."""
    known_sections = {s.section for s in SETTINGS} | {"sources"}
    unknown = sorted(set(data) - known_sections)
    if unknown:
        raise ConfigError(N_("{path}: unknown section(s): {sections}"), path=path,
                          sections=", ".join(unknown))
    for section, table in data.items():
        if section == "sources":
            continue
        if not isinstance(table, dict):
            raise ConfigError(N_("{path}: [{section}] must be a table of settings, got {table!r}"),
                              path=path, section=section, table=table)
        extra = sorted(set(table) - {s.key for s in SETTINGS if s.section == section})
        if extra:
            raise ConfigError(N_("{path}: unknown setting(s) in [{section}]: {keys}"), path=path,
                              section=section, keys=", ".join(extra))


def _values(data: Mapping[str, Any], path: Path | None, env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        section = data.get(setting.section, {})
        raw, origin = setting.default, None
        if setting.key in section:
            raw, origin = section[setting.key], f"{path}: {setting.name}"
        if setting.env in env:
            raw, origin = env[setting.env], f"{setting.env} ({setting.name})"
        try:
            values[setting.name] = setting.parse(raw) if origin else raw
        except ConfigError as exc:
            raise _within(str(origin), exc) from None
    return values


def _home(env: Mapping[str, str], cwd: Path) -> Path:
    """PANTAU_HOME, checked: it (or the nearest existing parent) must be a directory."""
    raw = env.get("PANTAU_HOME") or str(cwd / "pantau-data")
    try:
        if "\x00" in raw:
            raise ValueError("embedded NUL")
        home = Path(raw)
        existing = next(p for p in (home, *home.parents) if p.exists())
        is_dir = existing.is_dir()
    except (OSError, ValueError, StopIteration) as exc:
        raise ConfigError(N_("PANTAU_HOME {home!r} is not a usable path ({error})"), home=raw,
                          error=str(exc)) from None
    if not is_dir:
        if existing == home:
            raise ConfigError(N_("PANTAU_HOME {home!r} is a file: it must be a directory"), home=raw)
        raise ConfigError(N_("PANTAU_HOME {home!r} lies under the file {file}: it must be a "
                             "directory"), home=raw, file=existing)
    return home


def load_settings(
    config_path: Path | None = None,
    *,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Defaults, then pantau.toml (given path or ./pantau.toml), then PANTAU_* variables.
    Raises ConfigError naming the setting (and the file or variable) for anything invalid."""
    env = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    path = config_path
    if path is None and (cwd / "pantau.toml").is_file():
        path = cwd / "pantau.toml"
    data = _read_toml(path) if path is not None else {}
    _check_sections(data, path)
    values = _values(data, path, env)
    home = _home(env, cwd)
    url = database_url or env.get("PANTAU_DATABASE_URL") or f"sqlite:///{home / 'pantau.db'}"
    try:
        allow_private = _bool(env.get("PANTAU_ALLOW_PRIVATE_NETWORKS", "0"))
    except ConfigError as exc:
        raise _within("PANTAU_ALLOW_PRIVATE_NETWORKS", exc) from None
    return Settings(
        home=home, database_url=url, values=values,
        sources=_source_specs(data.get("sources"), str(path)),
        config_path=path,
        allow_private_networks=allow_private,
    )
