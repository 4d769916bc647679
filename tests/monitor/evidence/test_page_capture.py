"""A post's page captured as a person saw it: a PNG and a PDF, made by Chromium behind the
scrapers' network rule (no loopback or private address unless private networks are allowed)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from page_server import page_server
from pypdf import PdfReader

from monitor.evidence.capture import CaptureFailed, Guard, capture_page, network_guard

PAGE = "<html><body><h1>Ayo coblos nomor 2</h1><p>Salam dari Dinkes Muna</p></body></html>"


pytestmark = pytest.mark.usefixtures("chromium_required")


def test_a_local_page_allowed_by_the_setting_is_captured_as_png_and_pdf() -> None:
    with page_server({"/post": ("text/html; charset=utf-8", PAGE.encode())}) as server:
        files = capture_page(server.url("/post"), guard=network_guard(allow_private=True))
    png, pdf = files
    assert (png.content_type, pdf.content_type) == ("image/png", "application/pdf")
    assert png.body.startswith(b"\x89PNG\r\n\x1a\n")
    text = PdfReader(io.BytesIO(pdf.body)).pages[0].extract_text()
    assert "Ayo coblos nomor 2" in text
    assert len({png.sha256, pdf.sha256}) == 2 and all(len(f.sha256) == 64 for f in files)


def test_with_the_guard_on_a_loopback_page_is_refused_before_any_request() -> None:
    with page_server({"/post": ("text/html", PAGE.encode())}) as server:
        with pytest.raises(CaptureFailed, match="private/loopback"):
            capture_page(server.url("/post"), guard=network_guard(allow_private=False))
    assert server.requests == []


def _only(page_host: str, page_port: int, guard: Guard) -> Guard:
    """The test's page itself let through; everything else judged by the real guard."""
    def refuse(url: str) -> str | None:
        parts = urlsplit(url)
        return None if (parts.hostname, parts.port) == (page_host, page_port) else guard(url)
    return refuse


def test_a_subresource_at_a_forbidden_address_is_never_fetched_when_the_guard_is_on() -> None:
    with page_server({"/secret.png": ("image/png", b"\x89PNG")}, host="127.0.0.2") as inner:
        body = (f'<html><body><p>Salam</p><img src="{inner.url("/secret.png")}">'
                f'<script src="{inner.url("/x.js")}"></script></body></html>')
        with page_server({"/post": ("text/html", body.encode())}) as server:
            guard = _only(server.host, server.port, network_guard(allow_private=False))
            png, pdf = capture_page(server.url("/post"), guard=guard)
    assert server.requests == ["/post"]
    assert inner.requests == []
    assert png.body.startswith(b"\x89PNG") and pdf.body.startswith(b"%PDF")


def test_a_redirect_to_a_forbidden_address_is_not_followed() -> None:
    with page_server({"/secret.png": ("image/png", b"\x89PNG")}, host="127.0.0.2") as inner:
        pages = {"/post": ("text/html", b'<p>Salam</p><img src="/hop">'),
                 "/hop": ("redirect", inner.url("/secret.png").encode())}
        with page_server(pages) as server:
            guard = _only(server.host, server.port, network_guard(allow_private=False))
            capture_page(server.url("/post"), guard=guard)
    assert "/hop" in server.requests
    assert inner.requests == []


def test_without_the_guard_the_same_redirect_is_followed() -> None:
    """The check above can fail: with private networks allowed the image is fetched."""
    with page_server({"/secret.png": ("image/png", b"\x89PNG")}, host="127.0.0.2") as inner:
        pages = {"/post": ("text/html", b'<p>Salam</p><img src="/hop">'),
                 "/hop": ("redirect", inner.url("/secret.png").encode())}
        with page_server(pages) as server:
            capture_page(server.url("/post"), guard=network_guard(allow_private=True))
    assert inner.requests == ["/secret.png"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "http://10.0.0.1/",
                                 "http://169.254.169.254/latest", "http://[::1]/", "http://localhost/"])
def test_the_guard_refuses_what_the_scrapers_refuse(url: str) -> None:
    assert network_guard(allow_private=False)(url) is not None


def test_the_guard_lets_a_public_address_through() -> None:
    assert network_guard(allow_private=False, resolve=lambda host: ["93.184.216.34"])(
        "https://news.example/p/1") is None
