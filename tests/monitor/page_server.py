"""A local web server for capture tests: serves given pages and records every request it gets."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class PageServer:
    host: str
    port: int
    pages: dict[str, tuple[str, bytes]]
    requests: list[str] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"


@contextmanager
def page_server(pages: dict[str, tuple[str, bytes]], host: str = "127.0.0.1") -> Iterator[PageServer]:
    """`pages`: path → (content type, body), or ("redirect", target URL); others answer 404."""
    served = PageServer(host, 0, pages)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            served.requests.append(self.path)
            found = served.pages.get(self.path)
            if found is None:
                self.send_error(404)
                return
            kind, body = found
            if kind == "redirect":
                self.send_response(302)
                self.send_header("Location", body.decode())
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
