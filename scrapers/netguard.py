"""Which URLs the client may fetch: scheme allow-list and the private-network rule.

Every address a host name resolves to is checked, so a public name pointing at 127.0.0.1 or
169.254.169.254 is refused too. The connection itself does not resolve the name again: it goes
through `scrapers.pinning.PinnedBackend`, which resolves once, checks, and connects to the
checked addresses (no DNS-rebinding window).
"""

from __future__ import annotations

from contextlib import suppress

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from scrapers.errors import FetchError, InvalidSource

__all__ = [
    "ALLOWED_SCHEMES",
    "Resolver",
    "check_scheme",
    "is_public_address",
    "resolve",
    "refuse_private",
    "check_host",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = ("http", "https", "file")


def check_scheme(url: str) -> str:
    """The URL's scheme, lower case; InvalidSource unless http, https or file."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidSource(f"{url}: URL scheme {scheme or '(none)'!r} refused (http, https, file)")
    return scheme


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


async def resolve(host: str, port: int) -> list[str]:
    """Every address of `host`, in resolver order (an IP literal is its own). Raises OSError."""
    with suppress(ValueError):
        return [str(ipaddress.ip_address(host.strip("[]")))]
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refuse_private(label: str, host: str, addresses: Iterable[str]) -> None:
    """InvalidSource naming PANTAU_ALLOW_PRIVATE_NETWORKS if any address is not public."""
    refused = [a for a in addresses if not is_public_address(a)]
    if refused:
        raise InvalidSource(
            f"{label}: {host} resolves to a private/loopback/link-local address "
            f"({', '.join(refused)}); set PANTAU_ALLOW_PRIVATE_NETWORKS=1 to allow"
        )


async def check_host(url: str, resolver: Resolver = resolve) -> None:
    """InvalidSource if the URL's host is, or resolves to, a non-public address."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise InvalidSource(f"{url}: no host name")
    try:
        addresses = await resolver(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    refuse_private(url, host, addresses)
