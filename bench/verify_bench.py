"""`pantau verify` on ordinary, bomb and corrupt bundles: peak memory and time per case, each
beside a bare baseline (plain zipfile hashing) in the same run.

Each case runs in a fresh interpreter (peak RSS from /proc's VmHWM, so zlib's and hashlib's own
buffers count too; the `idle` row is the interpreter with the same imports doing nothing).

    .venv/bin/python bench/verify_bench.py [--snapshots 120] [--old-bomb-mib 256]

Prints a table and one JSON line. `--old-bomb-mib` sizes the bomb given to the old whole-entry
reader (memory grows with it: the issue measured 4.3-6.4 GB at 2 GiB; keep it small on shared
machines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "monitor" / "evidence")]

from zipforge import Entry, deflated, stored, write_zip, zeros_bomb

from monitor.evidence.keys import ensure_key
from monitor.evidence.verify import verify_bundle_file
from monitor.evidence.zipcheck import ZipLimits

GIB = 1 << 30
CHUNK = 1 << 20


# ---- the cases, each run in a child process ---------------------------------------------------

def _new_verify(path: Path) -> str:
    verdict = verify_bundle_file(path)
    return "intact" if verdict.intact else f"refused: {verdict.problems[0][:70]}"


def _new_verify_no_ratio_check(path: Path) -> str:
    verdict = verify_bundle_file(path, limits=ZipLimits(max_ratio=float("inf")))
    return "intact" if verdict.intact else f"refused: {verdict.problems[0][:70]}"


def _plain_read_whole(path: Path) -> str:
    """The old verify's reading: each entry read whole, then hashed."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                hashlib.sha256(archive.read(name)).hexdigest()
    except Exception as exc:  # noqa: BLE001 - the baseline's outcome is what it raised
        return f"raised {type(exc).__name__}: {str(exc)[:50]}"
    return "read"


def _plain_chunked(path: Path) -> str:
    """The bare minimum: every entry hashed in chunks, no checks at all."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                digest = hashlib.sha256()
                with archive.open(info) as stream:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}: {str(exc)[:50]}"
    return "read"


CASES = {"verify": _new_verify, "verify_no_ratio_check": _new_verify_no_ratio_check,
         "plain_read_whole": _plain_read_whole, "plain_chunked": _plain_chunked,
         "idle": lambda path: "nothing"}


def child(case: str, path: Path) -> None:
    started = time.perf_counter()
    outcome = CASES[case](path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 4), "peak_rss_mib": round(_peak_rss_mib(), 1),
                      "outcome": outcome}))


def _peak_rss_mib() -> float:
    """This process's own high-water RSS (VmHWM: reset at exec, unlike getrusage's ru_maxrss,
    which Linux carries over from the parent that forked us)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(case: str, path: Path) -> dict[str, object]:
    result = subprocess.run([sys.executable, __file__, "--child", case, str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


# ---- building the bundles ---------------------------------------------------------------------

def _signed(path: Path, entries: list[Entry], listed: dict[str, tuple[str, int]],
            home: Path) -> Path:
    """A bundle as export writes it: public key listed, manifest signed, manifest.sig beside."""
    key, _ = ensure_key(home)
    entries = entries + [deflated("public_key.pem", key.public.pem)]
    listed = listed | {"public_key.pem": (hashlib.sha256(key.public.pem).hexdigest(),
                                          len(key.public.pem))}
    manifest = json.dumps({
        "items": len(listed), "signing_key": {"algorithm": "Ed25519",
                                              "fingerprint": key.public.fingerprint},
        "files": {name: {"sha256": sha, "size": size} for name, (sha, size) in listed.items()},
    }, indent=2).encode()
    return write_zip(path, entries + [deflated("manifest.json", manifest),
                                      stored("manifest.sig", key.sign(manifest))])


def _html(rng: random.Random, size: int) -> bytes:
    words = [b"Ayo", b"coblos", b"nomor", b"dua", b"ASN", b"Dinkes", b"Muna", b"kampanye",
             b"<div class=\"post\">", b"</div>", b"<a href=\"https://fb.example/p/\">"]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) + b" " + str(rng.randrange(10 ** 6)).encode() + b" "
    return bytes(out[:size])


def ordinary(path: Path, snapshots: int, home: Path) -> Path:
    rng = random.Random(7)
    files = {f"snapshots/{i:064x}.bin": _html(rng, 256 << 10) for i in range(snapshots)}
    files["snapshots/large.bin"] = _html(rng, 32 << 20)
    files["items.jsonl"] = _html(rng, 4 << 20)
    files["items.csv"] = _html(rng, 2 << 20)
    listed = {name: (hashlib.sha256(body).hexdigest(), len(body)) for name, body in files.items()}
    return _signed(path, [deflated(name, body) for name, body in files.items()], listed, home)


def _zeros_sha256(size: int) -> str:
    digest, block = hashlib.sha256(), bytes(CHUNK)
    for _ in range(size // CHUNK):
        digest.update(block)
    return digest.hexdigest()


def bomb(path: Path, size: int, home: Path, honest_manifest: bool) -> Path:
    """One entry of `size` zero bytes (~size/1000 compressed); the manifest either announces it
    (a forger's manifest) or lists the 4 KiB file the entry claims to be."""
    entry = zeros_bomb("snapshots/bomb.bin", size, with_crc=True)
    listed = {"snapshots/bomb.bin": (_zeros_sha256(size), size) if honest_manifest
              else (hashlib.sha256(b"x").hexdigest(), 4096)}
    return _signed(path, [entry], listed, home)


def corrupt(source: Path, path: Path) -> Path:
    """The ordinary bundle with one byte flipped inside the large entry's compressed data."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("snapshots/large.bin")
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def truncated(source: Path, path: Path) -> Path:
    path.write_bytes(source.read_bytes()[: source.stat().st_size * 2 // 3])
    return path


# ---- the run ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snapshots", type=int, default=120)
    parser.add_argument("--old-bomb-mib", type=int, default=256)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(Path(tmp), args.snapshots, args.old_bomb_mib << 20)
    print(f"{'bundle':<34} {'reader':<24} {'MiB':>8} {'peak RSS MiB':>13} {'seconds':>9}  outcome")
    for row in rows:
        print(f"{row['bundle']:<34} {row['reader']:<24} {row['archive_mib']:>8} "
              f"{row['peak_rss_mib']:>13} {row['seconds']:>9}  {row['outcome']}")
    print(json.dumps({"bench": "verify", "rows": rows}))


def measure(tmp: Path, snapshots: int, old_bomb: int) -> list[dict[str, object]]:
    home = tmp / "home"
    plain = ordinary(tmp / "ordinary.zip", snapshots, home)
    bundles = [
        ("ordinary", plain, ["idle", "verify", "plain_chunked", "plain_read_whole"]),
        ("bomb 2 GiB, manifest announces it", bomb(tmp / "bomb-a.zip", 2 * GIB, home, True),
         ["verify", "verify_no_ratio_check", "plain_chunked"]),
        ("bomb 2 GiB, manifest says 4 KiB", bomb(tmp / "bomb-b.zip", 2 * GIB, home, False),
         ["verify"]),
        (f"bomb {old_bomb >> 20} MiB (old reader)", bomb(tmp / "bomb-c.zip", old_bomb, home, True),
         ["verify", "plain_read_whole"]),
        ("corrupt (CRC error in data)", corrupt(plain, tmp / "corrupt.zip"),
         ["verify", "plain_read_whole"]),
        ("truncated (2/3 of the file)", truncated(plain, tmp / "truncated.zip"),
         ["verify", "plain_read_whole"]),
    ]
    rows = []
    for label, path, readers in bundles:
        for reader in readers:
            rows.append({"bundle": label, "reader": reader,
                         "archive_mib": round(os.path.getsize(path) / (1 << 20), 1),
                         **run(reader, path)})
    return rows


if __name__ == "__main__":
    main()
