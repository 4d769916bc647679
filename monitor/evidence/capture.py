"""A post's page as a person saw it: a full-page screenshot (PNG) and a PDF, made in Chromium.

Every request the page makes goes through one route handler that applies the scrapers' network
rule (`scrapers.netguard`: no loopback, private or link-local address unless private networks
are allowed) and fetches it itself without following redirects, so a redirect to a forbidden
address is checked hop by hop instead of being followed blindly by the browser. Downloads,
service workers and web sockets to forbidden hosts are refused; the whole capture has a time
limit, and the bytes fetched a budget.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.evidence.browser import chromium
from scrapers.netguard import is_public_address

__all__ = ["CaptureFailed", "CaptureLimits", "Guard", "PageFile", "capture_page",
           "network_guard"]

Guard = Callable[[str], str | None]  # a URL → why it is refused, or None
REDIRECTS = (301, 302, 303, 307, 308)


class CaptureFailed(RuntimeError):
    """The page could not be captured; the message says why (recorded, retried later)."""


@dataclass(frozen=True)
class CaptureLimits:
    timeout: float = 30.0            # seconds for the whole capture
    max_bytes: int = 20_000_000      # all responses of the page together
    max_redirects: int = 5
    max_height: int = 20_000         # CSS pixels of the full-page screenshot
    width: int = 1280


@dataclass(frozen=True)
class PageFile:
    """One captured file, shaped like a fetched snapshot (storage.scrape_state.SnapshotLike)."""

    url: str
    body: bytes
    content_type: str
    fetched_at: datetime
    status: int = 200
    truncated: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def headers(self) -> dict[str, str]:
        return {"content-type": self.content_type, "x-pantau-capture": "chromium"}


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def network_guard(allow_private: bool, resolve: Callable[[str], list[str]] = _resolve) -> Guard:
    """The scrapers' rule for a browser: http(s) only, and every address the host resolves to
    public unless `allow_private` (PANTAU_ALLOW_PRIVATE_NETWORKS)."""

    def refuse(url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"{url}: scheme {parts.scheme or '(none)'!r} refused"
        host = (parts.hostname or "").strip("[]")
        if not host:
            return f"{url}: no host name"
        if allow_private:
            return None
        try:
            addresses = _resolve_literal(host) or resolve(host)
        except OSError as exc:
            return f"{url}: cannot resolve {host}: {exc.strerror or exc}"
        refused = [a for a in addresses if not is_public_address(a)]
        if refused or not addresses:
            return (f"{url}: {host} resolves to a private/loopback/link-local address "
                    f"({', '.join(refused)}); set PANTAU_ALLOW_PRIVATE_NETWORKS=1 to allow")
        return None

    return refuse


def _resolve_literal(host: str) -> list[str]:
    import ipaddress

    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return []


@dataclass
class _Budget:
    limits: CaptureLimits
    guard: Guard
    deadline: float
    fetched: int = 0
    refused: list[str] = field(default_factory=list)

    def left(self) -> float:
        return self.deadline - time.monotonic()


def _handle(route: Any, budget: _Budget) -> None:
    """Fetch one request of the page ourselves, hop by hop, each hop checked by the guard."""
    url = route.request.url
    response = None
    for _hop in range(budget.limits.max_redirects + 1):
        reason = budget.guard(url)
        if reason is None and budget.left() <= 0:
            reason = f"{url}: time limit reached"
        if reason is not None:
            budget.refused.append(reason)
            route.abort("blockedbyclient")
            return
        try:
            response = route.fetch(url=url, max_redirects=0,
                                   timeout=max(budget.left(), 0.1) * 1000)
        except Exception as exc:  # network error of one subresource: the page goes on without it
            budget.refused.append(f"{url}: {exc}")
            route.abort("failed")
            return
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location:
            break
        url = urljoin(url, location)
    else:
        budget.refused.append(f"{route.request.url}: too many redirects")
        route.abort("failed")
        return
    body = response.body()
    budget.fetched += len(body)
    if budget.fetched > budget.limits.max_bytes:
        budget.refused.append(f"{url}: the page exceeds {budget.limits.max_bytes} bytes")
        route.abort("blockedbyclient")
        return
    route.fulfill(response=response, body=body)


def _guard_socket(ws: Any, budget: _Budget) -> None:
    reason = budget.guard(ws.url.replace("ws", "http", 1))
    if reason is not None:
        budget.refused.append(reason)
        ws.close()
    else:
        ws.connect_to_server()


def capture_page(url: str, *, guard: Guard, limits: CaptureLimits | None = None,
                 browser: Any | None = None) -> list[PageFile]:
    """PNG (full page, cut at `max_height`) and PDF of `url`, or CaptureFailed. With no
    `browser`, a headless Chromium is started for this one capture."""
    limits = limits or CaptureLimits()
    if (reason := guard(url)) is not None:
        raise CaptureFailed(reason)
    if browser is None:
        with chromium() as started:
            return capture_page(url, guard=guard, limits=limits, browser=started)
    budget = _Budget(limits, guard, time.monotonic() + limits.timeout)
    context = browser.new_context(accept_downloads=False, service_workers="block",
                                  viewport={"width": limits.width, "height": 900})
    try:
        context.route("**/*", lambda route: _handle(route, budget))
        context.route_web_socket("**/*", lambda ws: _guard_socket(ws, budget))
        page = context.new_page()
        page.set_default_timeout(limits.timeout * 1000)
        return _shoot(page, url, budget)
    except CaptureFailed:
        raise
    except Exception as exc:  # Playwright's errors: timeouts, a page that crashed, a refused load
        raise CaptureFailed(f"{url}: {type(exc).__name__}: {str(exc).splitlines()[0][:500]}") from None
    finally:
        context.close()


def _shoot(page: Any, url: str, budget: _Budget) -> list[PageFile]:
    response = page.goto(url, wait_until="load", timeout=max(budget.left(), 0.1) * 1000)
    if response is None or response.status >= 400:
        status = "no response" if response is None else f"HTTP {response.status}"
        problems = "; ".join(budget.refused[:3])
        raise CaptureFailed(f"{url}: {status}" + (f" ({problems})" if problems else ""))
    with_limit = budget.limits
    height = int(page.evaluate("() => document.documentElement.scrollHeight") or 900)
    height = max(1, min(height, with_limit.max_height))
    at = datetime.now(UTC)
    png = page.screenshot(full_page=True, type="png",
                          clip={"x": 0, "y": 0, "width": with_limit.width, "height": height})
    page.emulate_media(media="screen")
    pdf = page.pdf(print_background=True, width=f"{with_limit.width}px")
    return [PageFile(url, png, "image/png", at), PageFile(url, pdf, "application/pdf", at)]
