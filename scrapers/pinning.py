"""Connect to the address that was checked: no DNS-rebinding window.

`check_host` refuses a URL whose host resolves to a private address, but if the connection
resolved the name again, a hostile DNS server could answer "public" to the check and
"127.0.0.1" to the connection. So PoliteClient's transport uses `PinnedBackend` as its httpcore
network backend: at connect time the name is resolved once, every address is checked (unless
private networks are allowed), and the socket is opened to one of those very addresses.

Nothing else changes: httpcore takes TLS SNI and certificate verification from the URL's host
name (`server_hostname`), not from the address connected to, and httpx sets `Host` from the URL.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpcore
import httpx

from scrapers.netguard import Resolver, refuse_private, resolve

__all__ = ["PinnedBackend", "pinned_transport"]

SocketOptions = Iterable[
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
]


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Resolves once, checks, connects to the checked addresses (in resolver order)."""

    def __init__(
        self,
        allow_private: bool,
        resolver: Resolver = resolve,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolve = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:  # a transport error: retried like any connect failure
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not self._allow_private:
            refuse_private(f"{host}:{port}", host, addresses)
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by Pantau")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool built on PinnedBackend.

    httpx's public constructor takes no network backend, so the pool (`_pool`, the attribute
    httpx's own handle_async_request uses) is rebuilt with httpcore's public API.
    """

    def __init__(self, limits: httpx.Limits, backend: PinnedBackend) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def pinned_transport(
    limits: httpx.Limits,
    allow_private: bool,
    resolver: Resolver = resolve,
    inner: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncBaseTransport:
    """The client's transport: every connection goes to an address PinnedBackend checked.
    `inner` opens the checked connections (tests: a backend mapping a "public" address to a
    loopback test server)."""
    return _PinnedTransport(limits, PinnedBackend(allow_private, resolver, inner))
