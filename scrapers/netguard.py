"""Which URLs the client may fetch: scheme allow-list and the private-network rule.

Every address a host name resolves to is checked, so a public name pointing at 127.0.0.1 or
169.254.169.254 is refused too. Known limit: the name is resolved again by the connection
(a DNS-rebinding window of milliseconds); pinning the checked address is future work.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from scrapers.errors import InvalidSource

__all__ = ["ALLOWED_SCHEMES", "check_scheme", "is_public_address", "check_host"]

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


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        from scrapers.errors import FetchError

        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from exc
    return sorted({str(info[4][0]) for info in infos})


async def check_host(url: str) -> None:
    """InvalidSource if the URL's host is, or resolves to, a non-public address."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise InvalidSource(f"{url}: no host name")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    refused = [a for a in addresses if not is_public_address(a)]
    if refused:
        raise InvalidSource(
            f"{url}: {host} resolves to a private/loopback/link-local address "
            f"({', '.join(refused)}); set PANTAU_ALLOW_PRIVATE_NETWORKS=1 to allow"
        )
