"""Tampering with a real exported bundle the way a forger would, and moving to another machine."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from monitor.evidence.keys import ensure_key


def read_bundle(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_bundle(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return path


def flip_byte(body: bytes) -> bytes:
    middle = len(body) // 2
    return body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1:]


def rehash(files: dict[str, bytes]) -> dict[str, bytes]:
    """The manifest rewritten to match the (edited) files, without the signing key."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {name: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
                         for name, body in files.items()
                         if name not in ("manifest.json", "manifest.sig")}
    return files | {"manifest.json": json.dumps(manifest, indent=2).encode()}


def resign(files: dict[str, bytes], forger_home: Path) -> dict[str, bytes]:
    """A forger's full re-sign: their own key in the bundle, manifest re-hashed and signed."""
    key, _ = ensure_key(forger_home)
    files = rehash(files | {"public_key.pem": key.public.pem})
    manifest = json.loads(files["manifest.json"])
    manifest["signing_key"]["fingerprint"] = key.public.fingerprint
    body = json.dumps(manifest, indent=2).encode()
    return files | {"manifest.json": body, "manifest.sig": key.sign(body)}


def go_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another machine: Pantau installed, neither this deployment's database nor its key."""
    other = tmp_path / "elsewhere"
    other.mkdir(exist_ok=True)
    monkeypatch.setenv("PANTAU_HOME", str(other / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", f"sqlite:///{other / 'none.db'}")
