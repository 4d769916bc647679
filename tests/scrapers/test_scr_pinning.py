"""DNS pinning: the connection goes to the address the private-network check saw.

Host names are answered by an injected resolver (no real DNS), so a name can "resolve" to the
local test server, or answer differently on its second lookup (a DNS-rebinding attack).
"""

from __future__ import annotations

import ssl
from typing import Any

import httpcore
import pytest
from scrape_helpers import fast_settings, run
from scrape_server import FixtureServer, Reply

from scrapers import InvalidSource, PoliteClient, Snapshot
from scrapers.pinning import PinnedBackend

PUBLIC = "93.184.216.34"


class FakeDns:
    """Answers from a script: the i-th lookup of any name gets answers[min(i, last)]."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers, self.lookups = answers, list[str]()

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        return self.answers[min(len(self.lookups), len(self.answers)) - 1]


def _get(url: str, dns: FakeDns, allow_private: bool) -> Snapshot:
    settings = fast_settings(allow_private_networks=allow_private, respect_robots=False)

    async def work() -> Snapshot:
        async with PoliteClient(settings, resolver=dns) as client:
            return await client.get(url)

    return run(work())


def test_name_resolving_to_loopback_is_refused_without_allowance(server: FixtureServer) -> None:
    server.routes["/p"] = Reply(200, b"private")
    dns = FakeDns(["127.0.0.1"])
    with pytest.raises(InvalidSource, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
        _get(f"http://intranet.example:{server.port}/p", dns, allow_private=False)
    assert server.log == [] and dns.lookups == ["intranet.example"]


def test_rebinding_answer_at_connect_time_is_refused(server: FixtureServer) -> None:
    """Public for the check, loopback for the connection: the connection's own lookup is checked."""
    server.routes["/p"] = Reply(200, b"private")
    dns = FakeDns([PUBLIC], ["127.0.0.1"])
    with pytest.raises(InvalidSource, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
        _get(f"http://rebind.example:{server.port}/p", dns, allow_private=False)
    assert server.log == [] and dns.lookups == ["rebind.example", "rebind.example"]


def test_connection_uses_the_resolved_address_and_keeps_the_host_name(
    server: FixtureServer,
) -> None:
    """`pinned.example` exists only in the injected resolver: reaching the server proves the
    socket went to the address it returned; Host still names the URL's host."""
    server.routes["/p"] = Reply(200, b"ok")
    dns = FakeDns(["127.0.0.1"])
    snapshot = _get(f"http://pinned.example:{server.port}/p", dns, allow_private=True)
    assert snapshot.body == b"ok" and dns.lookups == ["pinned.example"]
    assert server.log[0].headers["host"] == f"pinned.example:{server.port}"


class _Stop(Exception):
    pass


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records where connections go and the TLS server name; stops at the TLS handshake."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []
        self.server_hostname: str | None = None

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.connected.append((host, port))
        backend = self

        class Stream(httpcore.AsyncNetworkStream):
            async def start_tls(
                self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, **_: Any
            ) -> httpcore.AsyncNetworkStream:
                backend.server_hostname = server_hostname
                raise _Stop

            async def aclose(self) -> None:
                return None

        return Stream()

    async def sleep(self, seconds: float) -> None:
        return None


def _pool_get(url: str, backend: PinnedBackend) -> None:
    async def work() -> None:
        async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
            await pool.request("GET", url)

    run(work())


def test_tls_connects_to_the_checked_address_with_sni_on_the_host_name() -> None:
    inner = _RecordingBackend()
    with pytest.raises(_Stop):
        _pool_get("https://news.example/a", PinnedBackend(False, FakeDns([PUBLIC]), inner))
    assert inner.connected == [(PUBLIC, 443)] and inner.server_hostname == "news.example"


def test_one_private_address_among_public_ones_refuses_before_connecting() -> None:
    inner, mixed = _RecordingBackend(), [PUBLIC, "10.0.0.5"]
    with pytest.raises(InvalidSource):
        _pool_get("https://mixed.example/", PinnedBackend(False, FakeDns(mixed), inner))
    assert inner.connected == []


class NoSuchName:
    """A resolver that knows no name, as getaddrinfo says it (socket.gaierror, EAI_NONAME)."""

    async def __call__(self, host: str, port: int) -> list[str]:
        import socket

        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def _refused(url: str, allow_private: bool, resolver: Any = None) -> Any:
    from scrapers import FetchError

    settings = fast_settings(allow_private_networks=allow_private, respect_robots=False,
                             max_retries=0)

    async def work() -> Snapshot:
        async with PoliteClient(settings, resolver=resolver or NoSuchName()) as client:
            return await client.get(url)

    with pytest.raises(FetchError) as raised:
        run(work())
    return raised.value


def test_a_host_name_that_does_not_resolve_is_said_in_the_readers_language() -> None:
    """The resolver's words ("Name or service not known") stay the English text; a reader
    reads a short reason, in Indonesian by default, in English with the English catalog."""
    from monitor.i18n import gettext_for

    error = _refused("http://nowhere.example/p", allow_private=False)
    assert str(error) == "cannot resolve nowhere.example: Name or service not known"
    assert error.translated(gettext_for("id")) == (
        "alamat nowhere.example tidak dapat ditemukan: nama host tidak dikenal")
    assert error.translated(gettext_for("en")) == (
        "cannot resolve nowhere.example: host name not known")


def test_a_name_the_connection_cannot_resolve_is_said_in_the_readers_language() -> None:
    """Private networks allowed, the name is looked up at connect time only (PinnedBackend):
    httpx's words stay the English text, a reader reads what went wrong."""
    from monitor.i18n import gettext_for

    url = "http://nowhere.example/p"
    error = _refused(url, allow_private=True)
    assert str(error) == (f"{url}: ConnectError: cannot resolve nowhere.example: "
                          "[Errno -2] Name or service not known (after 1 tries)")
    assert error.translated(gettext_for("id")) == (
        f"{url}: alamat host tidak dapat ditemukan: nama host tidak dikenal "
        "(setelah 1 kali percobaan)")
    assert error.translated(gettext_for("en")) == (
        f"{url}: cannot resolve the host name: host name not known (after 1 tries)")


def test_a_refused_connection_is_said_in_the_readers_language() -> None:
    import socket

    from monitor.i18n import gettext_for

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/p"
    error = _refused(url, allow_private=True, resolver=FakeDns(["127.0.0.1"]))
    assert str(error).startswith(f"{url}: ConnectError: ")
    assert error.translated(gettext_for("id")) == (
        f"{url}: tidak dapat terhubung: koneksi ditolak (setelah 1 kali percobaan)")
    assert error.translated(gettext_for("en")) == (
        f"{url}: cannot connect: connection refused (after 1 tries)")
