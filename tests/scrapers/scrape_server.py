"""A local HTTP server for the scraper tests: replays fixture files and scripted replies.

Threaded stdlib http.server on 127.0.0.1 (random port). Routes map a path to a `Reply` or to a
function of the request returning one; unknown paths under /fixtures/ serve files from
../shared/fixtures, anything else is 404 (so robots.txt is absent unless a test adds one).
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    body_delay: float = 0.0  # after the headers, before the body
    content_length: int | None = None  # announce a length other than the real one


@dataclass
class Seen:
    path: str
    query: str
    headers: dict[str, str]
    at: float


Route = Reply | Callable[[Seen], Reply]


class FixtureServer:
    def __init__(self, fixtures: Path | None, host: str = "127.0.0.1") -> None:
        self.fixtures = fixtures
        self.routes: dict[str, Route] = {}
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.routes.clear()
            self.log.clear()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.log if s.path == path]

    def _reply(self, seen: Seen) -> Reply:
        route = self.routes.get(seen.path)
        if route is not None:
            return route(seen) if callable(route) else route
        if self.fixtures is not None and seen.path.startswith("/fixtures/"):
            file = (self.fixtures / seen.path[len("/fixtures/") :]).resolve()
            if file.is_file() and self.fixtures.resolve() in file.parents:
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                return Reply(body=file.read_bytes(), headers={"Content-Type": kind})
        return Reply(404, b"not found", {"Content-Type": "text/plain"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(
                    parts.path,
                    parts.query,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                )
                with server._lock:
                    server.log.append(seen)
                reply = server._reply(seen)
                time.sleep(reply.delay)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, reply: Reply) -> None:
                body = reply.body
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if isinstance(body, bytes):
                    length = reply.content_length if reply.content_length is not None else len(body)
                    self.send_header("Content-Length", str(length))
                    self.end_headers()
                    self.wfile.flush()
                    time.sleep(reply.body_delay)
                    self.wfile.write(body)
                    if reply.content_length is not None:
                        self.close_connection = True
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                time.sleep(reply.body_delay)
                for chunk in body:
                    self.wfile.write(chunk)

        return Handler
