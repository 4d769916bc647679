"""Which URLs the client may fetch: scheme allow-list and the private-network rule.

Every address a host name resolves to is checked, so a public name pointing at 127.0.0.1 or
169.254.169.254 is refused too. The connection itself does not resolve the name again: it goes
through `scrapers.pinning.PinnedBackend`, which resolves once, checks, and connects to the
checked addresses (no DNS-rebinding window).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from urllib.parse import urlsplit

from scrapers.errors import N_, FetchError, InvalidSource
from storage.errors import Worded, os_reason

__all__ = [
    "ALLOWED_SCHEMES",
    "Resolver",
    "check_host",
    "check_scheme",
    "check_url",
    "is_public_address",
    "refuse_private",
    "resolve",
    "transport_reason",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = ("http", "https", "file")


def check_scheme(url: str) -> str:
    """The URL's scheme, lower case; InvalidSource unless http, https or file."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise InvalidSource(N_("{url}: not a usable URL ({error})"), url=url, error=str(exc)) from None
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidSource(N_("{url}: URL scheme {scheme!r} refused (http, https, file)"), url=url,
                            scheme=scheme or "(none)")
    return scheme


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64 well-known prefix):
    a packet to the IPv6 form may reach the IPv4 one, so both must be public."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    site_local = isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or site_local
        or not ip.is_global
    )


def check_url(url: str) -> str:
    """The URL's scheme after checking it can be requested at all: allowed scheme, and for
    http(s) a host name and a valid port (InvalidSource naming the problem otherwise)."""
    try:
        scheme = check_scheme(url)
        parts = urlsplit(url)
        if scheme != "file" and not parts.hostname:
            raise InvalidSource(N_("{url}: no host name"), url=url)
        _ = parts.port  # ValueError when not a number or out of range
    except ValueError as exc:
        raise InvalidSource(N_("{url}: not a usable URL ({error})"), url=url, error=str(exc)) from None
    return scheme


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, site-local, multicast, reserved and unspecified
    addresses, and for IPv6 forms embedding such an IPv4 address (6to4, Teredo, mapped, NAT64).
    Anything that is not an IP address at all is not public either."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if not all(_is_public(v4) for v4 in _embedded_ipv4(ip)):
            return False
        if ip.ipv4_mapped is not None:
            return True  # the mapped IPv4 address decides (::ffff:0:0/96 itself is "reserved")
    return _is_public(ip)


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
            N_("{label}: {host} resolves to a private/loopback/link-local address "
               "({addresses}); set PANTAU_ALLOW_PRIVATE_NETWORKS=1 to allow"),
            label=label,
            host=host,
            addresses=", ".join(refused),
        )


async def check_host(url: str, resolver: Resolver = resolve) -> None:
    """InvalidSource if the URL's host is, or resolves to, a non-public address."""
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = await resolver(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        # the resolver's words stay the English text; a known gaierror code is said as a
        # short reason in the reader's language ("host name not known")
        raise FetchError(
            N_("cannot resolve {host}: {error}"), host=host, error=os_reason(exc)
        ) from exc
    refuse_private(url, host, addresses)


def _system_error(exc: BaseException) -> OSError | None:
    """The system's error under a transport error (httpx wraps httpcore's, which wraps the
    socket's), if it has an errno: the one whose words say what went wrong."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        current = current.__cause__ or current.__context__
    return None


def transport_reason(exc: BaseException) -> str:
    """Why a request failed below HTTP, `Type: text` (httpx's and the system's English words,
    kept as the English text), `Worded` with what went wrong in the reader's language when the
    system's error under it is a known one: a host name that does not resolve, a connection
    refused, reset or timed out (storage.errors.os_reason)."""
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    cause = _system_error(exc)
    reason = os_reason(cause) if cause is not None else None
    if not isinstance(reason, Worded):
        return text
    if isinstance(cause, socket.gaierror):
        return Worded(text, N_("cannot resolve the host name: {reason}"), reason=reason)
    return Worded(text, N_("cannot connect: {reason}"), reason=reason)
