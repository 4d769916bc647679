"""PoliteClient: the one HTTP door of Pantau (house rule 3), shared by all sources of a process.

Per request: scheme allow-list → private-network check (every resolved address, every redirect
hop; the connection then goes to a checked address, see `pinning`) → robots.txt (cached per
origin) → per-host slot (concurrency 1, minimum delay, Retry-After) → streamed, size-capped,
hand-decompressed body. Timeouts, connect errors, 429 and 5xx are retried with capped
exponential backoff and jitter. 2xx and 304 come back as a Snapshot; a cut body comes back
with `truncated=True` (the adapter records it), every other outcome raises.

Bounds: each attempt has `total_timeout` (a body dripping a byte a second is cut), and the
whole request (robots.txt, redirects, retries, waits for the host's slot) has
`request_deadline`. A Retry-After is waited out by this request alone when it fits within
`retry_after_cap` and the deadline; otherwise RateLimited carries it, capped at
`max_retry_after`, for the scheduler to set this source's next run. The host gate is never
pushed back by a response, so other sources on the host carry on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urljoin

import httpx

from scrapers.base import Snapshot
from scrapers.body import ACCEPT_ENCODING, read_limited
from scrapers.clock import SYSTEM_CLOCK, Clock
from scrapers.errors import N_, FetchError, InvalidSource, RateLimited
from scrapers.hosts import HostGate, host_key
from scrapers.localfile import read_file_url
from scrapers.netguard import Resolver, check_host, check_url, resolve, transport_reason
from scrapers.pinning import pinned_transport
from scrapers.retry import RETRY_STATUSES, backoff, parse_retry_after
from scrapers.robots import RobotsCache, robots_url
from storage.errors import Message

__all__ = ["ClientSettings", "PoliteClient"]

log = logging.getLogger(__name__)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class ClientSettings:
    """Plain values (the lead maps `scrape.*` settings onto these; scrapers never read config)."""

    user_agent: str = "Pantau/0.1.0 (+contact unset)"
    min_host_delay: float = 1.0
    max_response_bytes: int = 10_000_000
    timeout: float = 20.0
    max_retries: int = 3
    max_redirects: int = 5
    respect_robots: bool = True
    allow_private_networks: bool = False
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0  # longest Retry-After one request waits out itself
    max_retry_after: float = 3600.0  # cap on the Retry-After handed to the scheduler
    total_timeout: float | None = None  # one attempt incl. body; None = 3 × timeout
    request_deadline: float = 60.0  # the whole request: robots, redirects, retries, waits


@dataclass(frozen=True)
class _Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool


class PoliteClient:
    """Async, polite, bounded GETs. Use as `async with PoliteClient(settings) as client:`."""

    def __init__(
        self,
        settings: ClientSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        resolver: Resolver = resolve,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """`transport` replaces the pinned network transport (tests: httpx.MockTransport);
        `resolver` (host, port) → addresses replaces the system DNS (tests); `clock` drives the
        host delays and retry waits (tests: a fake clock)."""
        self.settings = settings
        self._resolver = resolver
        self._clock = clock
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        if transport is None:
            transport = pinned_transport(limits, settings.allow_private_networks, resolver)
        self._http = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._gate = HostGate(settings.min_host_delay, clock)
        self._robots = RobotsCache()
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, respect_robots: bool = True
    ) -> Snapshot:
        """GET `url` (http, https or file). Raises InvalidSource, FetchError, RateLimited."""
        if check_url(url) == "file":
            return await asyncio.to_thread(read_file_url, url, self.settings.max_response_bytes)
        deadline = self.settings.request_deadline
        try:
            async with asyncio.timeout(deadline):
                return await self._follow(url, headers or {}, respect_robots)
        except TimeoutError:
            raise FetchError(N_("{url}: no complete response within the request deadline "
                                "({seconds}s)"), url=url, seconds=f"{deadline:g}") from None

    async def _follow(
        self, url: str, headers: Mapping[str, str], respect_robots: bool
    ) -> Snapshot:
        robots = respect_robots and self.settings.respect_robots
        ends = self._clock.monotonic() + self.settings.request_deadline
        for _hop in range(self.settings.max_redirects + 1):
            await self._check_address(url)
            if robots:
                await self._check_robots(url)
            response = await self._with_retries(url, headers, ends)
            location = response.headers.get("location")
            if response.status in _REDIRECTS and location:
                url = _redirect_target(url, location)
                continue
            return Snapshot.build(
                response.url,
                response.status,
                response.headers,
                response.body,
                truncated=response.truncated,
            )
        raise FetchError(
            N_("{url}: more than {count} redirects"), url=url, count=self.settings.max_redirects
        )

    async def _check_address(self, url: str) -> None:
        if not self.settings.allow_private_networks:
            await check_host(url, self._resolver)

    async def _with_retries(self, url: str, headers: Mapping[str, str], ends: float) -> _Response:
        last = self.settings.max_retries
        for attempt in range(last + 1):
            try:
                response = await self._once(url, headers, self.settings.max_response_bytes, ends)
            except (httpx.TransportError, TimeoutError) as exc:
                reason = transport_reason(exc)  # said in the reader's language when known
                if attempt == last:
                    raise FetchError(N_("{url}: {reason} (after {tries} tries)"), url=url,
                                     reason=reason, tries=attempt + 1) from exc
                await self._wait(self._backoff(attempt), ends, url, reason)
                continue
            if response.status not in RETRY_STATUSES:
                if response.status == 304 or 200 <= response.status < 400:
                    return response
                raise FetchError(N_("{url}: HTTP {status}"), url=url, status=response.status)
            await self._retry_status(response, attempt, ends)
        raise FetchError(N_("{url}: no attempt made (max_retries < 0)"), url=url)

    def _backoff(self, attempt: int) -> float:
        return backoff(attempt, self.settings.backoff_base, self.settings.backoff_cap)

    async def _retry_status(self, response: _Response, attempt: int, ends: float) -> None:
        """Raise if this 429/5xx is final, else wait (this request only) before the next try."""
        url, status = response.url, response.status
        asked = parse_retry_after(response.headers.get("retry-after"))
        if asked is not None and (
            asked > self.settings.retry_after_cap or self._clock.monotonic() + asked > ends
        ):
            why = Message(N_("beyond what one request waits"))
            raise self._rate_limited(url, status, asked, why)
        if attempt == self.settings.max_retries:
            if status == 429 or asked is not None:
                why = Message(N_("after {tries} tries"), tries=attempt + 1)
                raise self._rate_limited(url, status, asked, why)
            raise FetchError(N_("{url}: HTTP {status} (after {tries} tries)"), url=url,
                             status=status, tries=attempt + 1)
        wait = asked if asked is not None else self._backoff(attempt)
        await self._wait(wait, ends, url, f"HTTP {status}")

    def _rate_limited(self, url: str, status: int, asked: float | None,
                      why: Message) -> RateLimited:
        if asked is None:
            return RateLimited(N_("{url}: HTTP {status} ({why})"), url=url, status=status, why=why)
        capped = min(asked, self.settings.max_retry_after)
        return RateLimited(
            N_("{url}: HTTP {status}, Retry-After {asked}s ({why}); this source may try again "
               "in {seconds}s"), url=url, status=status, retry_after=capped, requested=asked,
            asked=f"{asked:.0f}", why=why, seconds=f"{capped:.0f}")

    async def _wait(self, seconds: float, ends: float, url: str, reason: str) -> None:
        """Sleep before a retry, unless the request deadline would pass first."""
        if self._clock.monotonic() + seconds > ends:
            raise FetchError(N_("{url}: {reason}; no time left for a retry within the request "
                                "deadline ({seconds}s)"), url=url, reason=reason,
                             seconds=f"{self.settings.request_deadline:g}")
        log.info("retrying %s in %.2fs: %s", url, seconds, reason)
        await self._clock.sleep(seconds)

    async def _once(
        self, url: str, headers: Mapping[str, str], limit: int, ends: float | None = None
    ) -> _Response:
        total = self.settings.total_timeout or 3 * self.settings.timeout
        async with self._gate.slot(host_key(url)):
            if ends is not None:
                total = min(total, max(0.0, ends - self._clock.monotonic()))
            async with asyncio.timeout(total):
                try:
                    async with self._http.stream("GET", url, headers=headers) as response:
                        encoding = response.headers.get("content-encoding", "")
                        body, cut = await read_limited(response.aiter_raw(), encoding, limit)
                        return _Response(
                            str(response.url),
                            response.status_code,
                            dict(response.headers.items()),
                            body,
                            cut,
                        )
                except (httpx.InvalidURL, httpx.CookieConflict, UnicodeError) as exc:
                    raise FetchError(
                        N_("{url}: request refused: {error}"), url=url, error=str(exc)
                    ) from exc

    async def _check_robots(self, url: str) -> None:
        key = robots_url(url)
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            parser = self._robots.get(key)
            if parser is None:
                status, text = await self._fetch_robots(key)
                parser = self._robots.put(key, status, text)
        if not parser.can_fetch(self.settings.user_agent, url):
            raise FetchError(N_("{url}: disallowed by {robots}"), url=url, robots=key)

    async def _fetch_robots(self, url: str) -> tuple[int | None, str]:
        """(status, text) of robots.txt after up to 5 redirects; status None if unreachable."""
        for _hop in range(6):
            try:
                await self._check_address(url)
                response = await self._once(url, {}, _ROBOTS_MAX_BYTES)
            except (httpx.TransportError, TimeoutError, FetchError) as exc:
                log.info("robots.txt unreachable at %s: %s", url, exc)
                return None, ""
            location = response.headers.get("location")
            if response.status in _REDIRECTS and location:
                try:
                    url = _redirect_target(url, location)
                except FetchError:
                    return None, ""
                continue
            return response.status, response.body.decode("utf-8", "replace")
        return None, ""


def _redirect_target(url: str, location: str) -> str:
    """The next hop of a redirect, checked like a source URL (FetchError if unusable)."""
    try:
        target = urljoin(url, location)
        if check_url(target) == "file":
            raise FetchError(N_("{url}: redirect to a file URL refused"), url=url)
    except (ValueError, InvalidSource) as exc:
        why = exc.as_message() if isinstance(exc, InvalidSource) else str(exc)
        raise FetchError(N_("{url}: redirect to an unusable URL {location!r}: {error}"), url=url,
                         location=location, error=why) from None
    return target
