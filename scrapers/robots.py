"""robots.txt per origin, fetched once and cached (RFC 9309 semantics).

4xx (no robots.txt) allows everything; 5xx or an unreachable server disallows everything until
the entry expires, as the RFC asks. Entries live `ROBOTS_TTL` seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

__all__ = ["ROBOTS_TTL", "RobotsCache", "robots_url"]

ROBOTS_TTL = 3600.0


def robots_url(url: str) -> str:
    """The robots.txt address governing `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


@dataclass
class _Entry:
    parser: RobotFileParser
    expires: float


class RobotsCache:
    """Parsed robots.txt files keyed by robots URL."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def get(self, key: str) -> RobotFileParser | None:
        entry = self._entries.get(key)
        if entry is None or entry.expires < time.monotonic():
            return None
        return entry.parser

    def put(self, key: str, status: int | None, text: str) -> RobotFileParser:
        """Store the outcome of fetching `key`: a status (None = unreachable) and its body."""
        parser = RobotFileParser(key)
        if status is not None and 200 <= status < 300:
            parser.parse(text.splitlines())
        elif status is not None and 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(["User-agent: *", "Disallow: /"])
        self._entries[key] = _Entry(parser, time.monotonic() + ROBOTS_TTL)
        return parser
