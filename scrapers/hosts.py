"""Per-host politeness: one request at a time per host name, a minimum gap between them.

The key is the host name alone (not host:port): two ports of one machine are one server to be
polite to. The gap is measured from the end of one response to the start of the next, and a
host's Retry-After pushes its next slot back for every source sharing it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["HostGate", "host_key"]


def host_key(url: str) -> str:
    """The politeness key of a URL: its lower-case host name."""
    return (urlsplit(url).hostname or "").lower()


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_end: float = float("-inf")
    not_before: float = 0.0


class HostGate:
    """Hands out request slots per host; hosts proceed in parallel."""

    def __init__(self, min_delay: float) -> None:
        self.min_delay = min_delay
        self._slots: dict[str, _Slot] = {}

    def _slot(self, key: str) -> _Slot:
        return self._slots.setdefault(key, _Slot())

    def defer(self, key: str, seconds: float) -> None:
        """No request to this host before `seconds` from now (Retry-After)."""
        slot = self._slot(key)
        slot.not_before = max(slot.not_before, time.monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold the host's single slot for one request, after waiting out its delay."""
        slot = self._slot(key)
        async with slot.lock:
            wait = max(slot.last_end + self.min_delay, slot.not_before) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                slot.last_end = time.monotonic()
