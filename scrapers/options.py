"""Reading a source's type-specific options: they come from TOML (typed) or from
`--option k=v` (strings), so each reader accepts both and names the option when it refuses."""

from __future__ import annotations

import re

from scrapers.base import SourceConfig
from scrapers.errors import N_, InvalidSource

__all__ = ["DEFAULT_MAX_PAGES", "opt_bool", "opt_int", "opt_str", "respects_robots"]

DEFAULT_MAX_PAGES = 5
_WHOLE = re.compile(r"\s*[+-]?[0-9]{1,18}\s*")  # ASCII digits: int("³") raises, int(2.7) truncates


def opt_str(source: SourceConfig, key: str, default: str | None = None) -> str | None:
    value = source.options.get(key, default)
    return None if value is None else str(value)


def opt_bool(source: SourceConfig, key: str, default: bool) -> bool:
    value = source.options.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InvalidSource(N_("source {name}: option {key} must be true/false, got {value}"),
                        name=source.name, key=key, value=repr(value))


def opt_int(source: SourceConfig, key: str, default: int, minimum: int = 1) -> int:
    value = source.options.get(key, default)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole and not (isinstance(value, str) and _WHOLE.fullmatch(value)):
        raise InvalidSource(N_("source {name}: option {key} must be a whole number"),
                            name=source.name, key=key)
    number = int(value)
    if number < minimum:
        raise InvalidSource(N_("source {name}: option {key} must be ≥ {minimum}"),
                            name=source.name, key=key, minimum=minimum)
    return number


def respects_robots(source: SourceConfig) -> bool:
    return opt_bool(source, "respect_robots", True)
