"""PoliteClient fault injection on a real local server: retries, limits, redirects, robots."""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from scrape_helpers import fast_settings, run, with_client
from scrape_server import FixtureServer, Reply

from scrapers import (
    ClientSettings,
    FetchError,
    InvalidSource,
    PoliteClient,
    RateLimited,
    Snapshot,
)


def _get(url: str, settings: ClientSettings | None = None, **kwargs: Any) -> Snapshot:
    async def work(client: PoliteClient) -> Snapshot:
        return await client.get(url, **kwargs)

    result: Snapshot = run(with_client(settings or fast_settings(), work))
    return result


def _sequence(*replies: Reply) -> Any:
    queue = list(replies)
    return lambda seen: queue.pop(0) if len(queue) > 1 else queue[0]


def test_user_agent_and_snapshot(server: FixtureServer) -> None:
    server.routes["/p"] = Reply(200, b"hello", {"ETag": '"a"'})
    snap = _get(server.url("/p"))
    assert snap.body == b"hello" and snap.status == 200 and snap.headers["etag"] == '"a"'
    assert snap.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert server.hits("/p")[0].headers["user-agent"].startswith("Pantau-test/0")


def test_500_then_success_is_retried(server: FixtureServer) -> None:
    server.routes["/flaky"] = _sequence(Reply(500, b"oops"), Reply(503), Reply(200, b"ok"))
    assert _get(server.url("/flaky")).body == b"ok"
    assert len(server.hits("/flaky")) == 3


def test_persistent_500_fails_after_retries(server: FixtureServer) -> None:
    server.routes["/down"] = Reply(502)
    with pytest.raises(FetchError) as caught:
        _get(server.url("/down"))
    assert caught.value.status == 502 and len(server.hits("/down")) == 3


def test_429_honours_retry_after(server: FixtureServer) -> None:
    server.routes["/busy"] = _sequence(Reply(429, headers={"Retry-After": "1"}), Reply(200, b"ok"))
    assert _get(server.url("/busy")).body == b"ok"
    first, second = server.hits("/busy")
    assert second.at - first.at >= 0.95


def test_429_with_retry_after_beyond_cap_stops_at_once(server: FixtureServer) -> None:
    server.routes["/busy"] = Reply(429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimited) as caught:
        _get(server.url("/busy"))
    assert caught.value.retry_after == 3600 and len(server.hits("/busy")) == 1


def test_persistent_429_is_rate_limited(server: FixtureServer) -> None:
    server.routes["/busy"] = Reply(429)
    with pytest.raises(RateLimited):
        _get(server.url("/busy"))
    assert len(server.hits("/busy")) == 3


def test_404_is_not_retried(server: FixtureServer) -> None:
    with pytest.raises(FetchError) as caught:
        _get(server.url("/missing"))
    assert caught.value.status == 404 and len(server.hits("/missing")) == 1


def test_read_timeout_is_retried_then_fails(server: FixtureServer) -> None:
    server.routes["/slow"] = Reply(200, b"late", body_delay=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="ReadTimeout"):
        _get(server.url("/slow"), fast_settings(timeout=0.3, max_retries=1))
    assert len(server.hits("/slow")) == 2 and time.monotonic() - started < 3


def test_trickling_body_hits_the_total_deadline(server: FixtureServer) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(40):
            time.sleep(0.1)
            yield b"x"

    server.routes["/drip"] = lambda seen: Reply(200, trickle())
    started = time.monotonic()
    with pytest.raises(FetchError):
        _get(server.url("/drip"), fast_settings(timeout=0.5, total_timeout=0.8, max_retries=0))
    assert time.monotonic() - started < 2.5


def test_connect_timeout_is_retried_then_fails() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept backlog so further SYNs go unanswered
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    try:
        time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(FetchError, match="ConnectTimeout|ConnectError"):
            _get(
                f"http://127.0.0.1:{port}/x",
                fast_settings(timeout=0.3, max_retries=1, respect_robots=False),
            )
        assert time.monotonic() - started < 3
    finally:
        for sock in [*fillers, listener]:
            sock.close()


def test_truncated_body_is_a_network_error(server: FixtureServer) -> None:
    server.routes["/cut"] = Reply(200, b"x" * 500, content_length=1000)
    with pytest.raises(FetchError, match="RemoteProtocolError|incomplete|closed"):
        _get(server.url("/cut"))
    assert len(server.hits("/cut")) == 3


def test_50mb_body_is_cut_at_the_limit(server: FixtureServer) -> None:
    def big() -> Iterator[bytes]:
        chunk = b"a" * 1_000_000
        for _ in range(50):
            yield chunk

    server.routes["/big"] = lambda seen: Reply(200, big())
    started = time.monotonic()
    snap = _get(server.url("/big"), fast_settings(max_response_bytes=10_000_000))
    assert snap.truncated and len(snap.body) == 10_000_000
    assert time.monotonic() - started < 10


def test_gzip_bomb_is_stopped(server: FixtureServer) -> None:
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    bomb = b"".join(deflater.compress(zeros) for _ in range(200)) + deflater.flush()
    assert len(bomb) < 300_000  # 200 MB of zeros
    server.routes["/bomb"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    snap = _get(server.url("/bomb"), fast_settings(max_response_bytes=2_000_000))
    assert snap.truncated and len(snap.body) == 2_000_000


def test_gzip_and_deflate_bodies_are_decoded(server: FixtureServer) -> None:
    server.routes["/gz"] = Reply(200, gzip.compress(b"halo" * 100), {"Content-Encoding": "gzip"})
    server.routes["/df"] = Reply(
        200, zlib.compress(b"dunia" * 100), {"Content-Encoding": "deflate"}
    )
    assert _get(server.url("/gz")).body == b"halo" * 100
    assert _get(server.url("/df")).body == b"dunia" * 100
    assert server.hits("/gz")[0].headers["accept-encoding"] == "gzip, deflate"


def test_redirects_are_followed_and_bounded(server: FixtureServer) -> None:
    server.routes["/old"] = Reply(301, headers={"Location": "/new"})
    server.routes["/new"] = Reply(200, b"moved")
    snap = _get(server.url("/old"))
    assert snap.body == b"moved" and snap.url == server.url("/new")
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirects"):
        _get(server.url("/a"), fast_settings(max_redirects=4))
    assert len(server.hits("/a")) + len(server.hits("/b")) == 5


def test_private_addresses_refused_by_default(server: FixtureServer) -> None:
    settings = fast_settings(allow_private_networks=False)
    for url in (
        server.url("/p"),
        f"http://localhost:{server.port}/p",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
    ):
        with pytest.raises(InvalidSource, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
            _get(url, settings)
    assert server.log == []


def test_redirect_hop_to_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # a real server cannot be public here
        if request.url.host == "93.184.216.34":
            return httpx.Response(
                302, headers={"Location": "http://127.0.0.1/admin"}, stream=httpx.ByteStream(b"")
            )
        raise AssertionError(f"request reached {request.url}")

    async def work() -> None:
        async with PoliteClient(
            fast_settings(allow_private_networks=False, respect_robots=False),
            transport=httpx.MockTransport(handler),
        ) as client:
            await client.get("http://93.184.216.34/start")

    with pytest.raises(InvalidSource):
        run(work())


def test_schemes_other_than_http_and_file_are_refused() -> None:
    for url in ("ftp://example.org/x", "gopher://x/", "javascript:alert(1)", "/no/scheme"):
        with pytest.raises(InvalidSource):
            _get(url)


def test_file_urls_read_locally(tmp_path: Any) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"0123456789")
    snap = _get(path.as_uri(), fast_settings(max_response_bytes=4))
    assert snap.body == b"0123" and snap.truncated
    with pytest.raises(FetchError):
        _get((tmp_path / "absent").as_uri())


def test_robots_txt_is_respected_and_cached(server: FixtureServer) -> None:
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private\n")
    server.routes["/public"] = Reply(200, b"ok")
    server.routes["/private/x"] = Reply(200, b"secret")

    async def work(client: PoliteClient) -> None:
        await client.get(server.url("/public"))
        await client.get(server.url("/public"))
        with pytest.raises(FetchError, match="robots"):
            await client.get(server.url("/private/x"))
        assert (await client.get(server.url("/private/x"), respect_robots=False)).body == b"secret"

    run(with_client(fast_settings(), work))
    assert len(server.hits("/robots.txt")) == 1 and len(server.hits("/private/x")) == 1


def test_robots_5xx_means_disallow(server: FixtureServer) -> None:
    server.routes["/robots.txt"] = Reply(503)
    server.routes["/page"] = Reply(200, b"ok")
    with pytest.raises(FetchError, match="robots"):
        _get(server.url("/page"), fast_settings(max_retries=0))
    assert _get(server.url("/page"), respect_robots=False).status == 200


def test_host_delay_spaces_requests_and_hosts_run_in_parallel(server: FixtureServer) -> None:
    other = FixtureServer(None, host="127.0.0.2").start()
    try:
        for srv in (server, other):
            srv.routes["/t"] = Reply(200, b"ok", delay=0.05)

        async def work(client: PoliteClient) -> None:
            import asyncio

            await asyncio.gather(*(client.get(s.url("/t")) for s in (server, other, server, other)))

        run(with_client(fast_settings(min_host_delay=0.3, respect_robots=False), work))
        for srv in (server, other):
            first, second = srv.hits("/t")
            assert second.at - first.at >= 0.3
        # the two hosts overlapped: each one's first request came before the other's second
        assert max(s.hits("/t")[0].at for s in (server, other)) < min(
            s.hits("/t")[1].at for s in (server, other)
        )
    finally:
        other.stop()
