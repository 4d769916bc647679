"""A local RFC 3161 time-stamping authority for tests: a test CA and TSA certificate made with
OpenSSL, and an HTTP server answering `application/timestamp-query` with `openssl ts -reply`."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
TSA_CONFIG = """[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass
class LocalTsa:
    url: str
    ca: Path       # the root that certified the TSA (what --tsa-cert is given)
    tsa_cert: Path
    requests: int = 0


def _run(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


def make_authority(folder: Path, name: str = "Test TSA") -> tuple[Path, Path, Path]:
    """(ca.pem, tsa.pem, tsa.key): a root, and a TSA certificate with critical EKU timeStamping."""
    if not Path(OPENSSL).exists():
        pytest.skip("openssl is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
         "-subj", f"/CN={name} Root", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign", cwd=folder)
    _run("req", *ec, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}", cwd=folder)
    (folder / "ext.cnf").write_text("extendedKeyUsage=critical,timeStamping\n"
                                    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n")
    _run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-extfile", "ext.cnf", cwd=folder)
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(serial=folder / "serial"))
    return folder / "ca.pem", folder / "tsa.pem", folder / "tsa.key"


@contextmanager
def local_tsa(folder: Path) -> Iterator[LocalTsa]:
    ca, cert, key = make_authority(folder)
    lock = threading.Lock()
    served = LocalTsa("", ca, cert)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = min(int(self.headers.get("Content-Length", "0")), 100_000)
            query = self.rfile.read(length)
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            with lock:
                served.requests += 1
                (folder / "q.tsq").write_bytes(query)
                done = subprocess.run(
                    [OPENSSL, "ts", "-reply", "-config", str(folder / "tsa.cnf"), "-queryfile",
                     "q.tsq", "-signer", str(cert), "-inkey", str(key), "-out", "r.tsr"],
                    cwd=folder, capture_output=True)
                reply = (folder / "r.tsr").read_bytes() if done.returncode == 0 else b""
            if not reply:
                self.send_error(500)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
