"""Structured logs for the long-running commands: one `key=value` line per event (logfmt).

Messages already written as `key=value` pairs (the scheduler's and scrape's) stay greppable;
`--log-format json` gives JSON lines instead, for log shippers.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

__all__ = ["configure_logging", "LogfmtFormatter", "JsonFormatter", "quote"]

_QUIET = ("apscheduler", "uvicorn.access", "httpx", "httpcore")


def quote(value: str) -> str:
    """A logfmt value: bare when safe, else a JSON string."""
    if value and not any(c in value for c in ' "=\n\t'):
        return value
    return json.dumps(value, ensure_ascii=False)


def _base(record: logging.LogRecord) -> dict[str, str]:
    return {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name}


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        head = " ".join(f"{k}={quote(v)}" for k, v in _base(record).items())
        line = f"{head} {record.getMessage()}"
        if record.exc_info:
            line += " exc=" + quote(self.formatException(record.exc_info))
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body = {**_base(record), "msg": record.getMessage()}
        if record.exc_info:
            body["exc"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False)


def configure_logging(verbose: bool, *, json_lines: bool = False) -> None:
    """Replace the CLI's plain format on stderr; `--verbose` adds debug (and library) lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else LogfmtFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
