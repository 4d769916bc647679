"""The deployment key: created once, owner-only, refused when others can read it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import pantau
from cryptography.hazmat.primitives import serialization

from monitor.evidence.keys import (
    KeyFileError,
    ensure_key,
    key_path,
    load_key,
    normalise_fingerprint,
    public_key_from_pem,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    key, created = ensure_key(tmp_path)
    assert created and key.path == key_path(tmp_path)
    assert _mode(key.path) == 0o600 and _mode(key.path.parent) == 0o700
    again, created_again = ensure_key(tmp_path)
    assert not created_again and again.public.fingerprint == key.public.fingerprint
    assert [p.name for p in key.path.parent.iterdir()] == [key.path.name]  # no temporary left


def test_a_key_readable_by_others_is_refused(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    key, _ = ensure_key(tmp_path)
    os.chmod(key.path, 0o644)
    with pytest.raises(KeyFileError, match="readable by others"):
        load_key(tmp_path)
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    code, _, err = pantau("keys", "show")
    assert code == 2 and "chmod 600" in err


def test_a_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    key, _ = ensure_key(tmp_path)
    key.path.write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    with pytest.raises(KeyFileError, match="not a PEM private key"):
        load_key(tmp_path)


def test_concurrent_first_use_yields_one_key(tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from monitor.evidence.keys import ensure_key;"
            "print(ensure_key(Path(sys.argv[1]))[0].public.fingerprint)")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                             text=True) for _ in range(4)]
    fingerprints = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(fingerprints) == 1 and load_key(tmp_path) is not None


def test_the_fingerprint_is_the_sha256_of_the_der_public_key(tmp_path: Path) -> None:
    key, _ = ensure_key(tmp_path)
    der = serialization.load_pem_public_key(key.public.pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key.public.fingerprint == hashlib.sha256(der).hexdigest()
    assert public_key_from_pem(key.public.pem).fingerprint == key.public.fingerprint


@pytest.mark.parametrize("text, ok", [
    ("ab" * 32, True), ("AB" * 32, True), ("SHA256:" + ":".join(["ab"] * 32), True),
    (" " + "ab" * 32 + "\n", True), ("ab" * 31, False), ("zz" * 32, False), ("", False),
])
def test_fingerprint_forms(text: str, ok: bool) -> None:
    assert (normalise_fingerprint(text) == "ab" * 32) is ok


def test_keys_show_prints_pem_and_fingerprint(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    code, out, err = pantau("keys", "show")
    assert code == 0 and "created the deployment signing key" in err
    assert out.startswith("-----BEGIN PUBLIC KEY-----") and "SHA-256 fingerprint: " in out
    code, out, err = pantau("keys", "show", "--json")
    shown = json.loads(out)
    assert code == 0 and err == "" and shown["algorithm"] == "Ed25519"
    assert public_key_from_pem(shown["public_key_pem"].encode()).fingerprint == shown["fingerprint"]


def test_init_creates_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    code, _, err = pantau("init")
    key = load_key(tmp_path / "home")
    assert code == 0 and key is not None and f"signing key: {key.public.fingerprint}" in err



def test_a_key_that_cannot_be_read_is_said_by_a_short_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's words ("Not a directory") become a short reason in the reader's language,
    the path kept: Indonesian by default, English with PANTAU_LANG=en."""
    home = tmp_path / "home"
    home.write_text("a file, not a directory")
    with pytest.raises(KeyFileError) as refused:
        ensure_key(home)
    assert str(refused.value) == (f"cannot read the deployment key {key_path(home)}: "
                                  "a part of the path is not a directory")
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    with pytest.raises(KeyFileError) as refused:
        ensure_key(home)
    assert str(refused.value) == (f"kunci deployment {key_path(home)} tidak dapat dibaca: "
                                  "sebagian jalurnya bukan direktori")
    assert "Not a directory" not in str(refused.value)
