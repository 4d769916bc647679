"""Per-host politeness: one request at a time per host name, a minimum gap between them.

The key is the host name alone (not host:port): two ports of one machine are one server to be
polite to. The gap is measured from the end of one response to the start of the next. A
response never pushes the gate back: a Retry-After or a retry backoff is waited out by the one
request that received it (outside its slot), and a Retry-After beyond what a request may wait
goes back to the source's scheduler as RateLimited. So one hostile 429 cannot freeze a host for
the other sources on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapers.clock import SYSTEM_CLOCK, Clock

__all__ = ["HostGate", "host_key"]


def host_key(url: str) -> str:
    """The politeness key of a URL: its lower-case host name ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_end: float = float("-inf")


class HostGate:
    """Hands out request slots per host; hosts proceed in parallel."""

    def __init__(self, min_delay: float, clock: Clock = SYSTEM_CLOCK) -> None:
        self.min_delay = min_delay
        self.clock = clock
        self._slots: dict[str, _Slot] = {}

    def _slot(self, key: str) -> _Slot:
        return self._slots.setdefault(key, _Slot())

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold the host's single slot for one request, after waiting out its delay."""
        slot = self._slot(key)
        async with slot.lock:
            wait = slot.last_end + self.min_delay - self.clock.monotonic()
            if wait > 0:
                await self.clock.sleep(wait)
            try:
                yield
            finally:
                slot.last_end = self.clock.monotonic()
