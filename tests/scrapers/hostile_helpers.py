"""Test doubles for the hostile-server suite: a fake clock and a "NAT" that lets a loopback
test server pose as a public address (so the private-network check stays on)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpcore
import httpx

from scrapers import ClientSettings, PoliteClient
from scrapers.netguard import resolve
from scrapers.pinning import pinned_transport

PUBLIC = "93.184.216.34"


class FakeClock:
    """monotonic() moves only when something sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class Nat(httpcore.AsyncNetworkBackend):
    """Connections to PUBLIC go to 127.0.0.1 instead (after PinnedBackend checked PUBLIC)."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        target = "127.0.0.1" if host == PUBLIC else host
        return await self.inner.connect_tcp(target, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class Dns:
    """Names from a table; IP literals as themselves."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names

    async def __call__(self, host: str, port: int) -> list[str]:
        if host in self.names:
            return self.names[host]
        return await resolve(host, port)


def guarded_client(settings: ClientSettings, names: dict[str, list[str]]) -> PoliteClient:
    """A client with the private-network check on, whose "public" hosts are the test server."""
    dns = Dns(names)
    limits = httpx.Limits(max_connections=20)
    transport = pinned_transport(limits, False, dns, Nat())
    return PoliteClient(settings, transport=transport, resolver=dns)
