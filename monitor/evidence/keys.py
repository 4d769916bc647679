"""The deployment's Ed25519 signing key: it vouches for bundles and audit anchors it signed.

One key per deployment, created on first need in `PANTAU_HOME/keys/` (directory 0700, file
0600, never readable by others: a key anyone on the machine can read proves nothing). The
public key's fingerprint is the SHA-256 of its DER SubjectPublicKeyInfo, so anyone can
recompute it with standard tools (`openssl pkey -pubin -outform DER | sha256sum`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from monitor.evidence.text import _, said
from storage.errors import os_reason

__all__ = [
    "KEY_DIR",
    "KEY_FILE",
    "DeploymentKey",
    "KeyFileError",
    "PublicKey",
    "ensure_key",
    "key_path",
    "load_key",
    "normalise_fingerprint",
    "public_key_from_pem",
]

KEY_DIR = "keys"
KEY_FILE = "deployment-ed25519.pem"
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


class KeyFileError(Exception):
    """A key that cannot be used: missing, unreadable, not Ed25519, or readable by others."""


@dataclass(frozen=True)
class PublicKey:
    """A public key as shipped in a bundle or supplied by a verifier."""

    key: Ed25519PublicKey

    @property
    def pem(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def fingerprint(self) -> str:
        der = self.key.public_bytes(serialization.Encoding.DER,
                                    serialization.PublicFormat.SubjectPublicKeyInfo)
        return hashlib.sha256(der).hexdigest()

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class DeploymentKey:
    """The private key and where it lives."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.private.public_key())

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def key_path(home: Path) -> Path:
    return home / KEY_DIR / KEY_FILE


def normalise_fingerprint(value: str) -> str | None:
    """`SHA256:AB:CD…`, `ab cd …` or plain hex → 64 lowercase hex digits; None if not one."""
    text = value.strip().lower()
    text = text.removeprefix("sha256:").replace(":", "").replace(" ", "")
    return text if _FINGERPRINT.fullmatch(text) else None


def public_key_from_pem(data: bytes) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(_("not a PEM public key: {reason}").format(reason=exc)) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(_("not an Ed25519 public key"))
    return PublicKey(key)


def load_key(home: Path) -> DeploymentKey | None:
    """The deployment key, or None when this deployment has none yet (never creates one)."""
    path = key_path(home)
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(_cannot_read(path, exc)) from exc
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise KeyFileError(_("the deployment key {path} is readable by others (mode {mode}); "
                             "run: chmod 600 {path}").format(
                                 path=path, mode=f"{stat.S_IMODE(info.st_mode):03o}"))
    return DeploymentKey(_read_private(path), path)


def _read_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise KeyFileError(_cannot_read(path, exc)) from exc
    except (ValueError, TypeError) as exc:
        raise KeyFileError(_("the deployment key {path} is not a PEM private key: {reason}")
                           .format(path=path, reason=exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(_("the deployment key {path} is not an Ed25519 key").format(path=path))
    return key


def _cannot_read(path: Path, exc: OSError) -> str:
    return _("cannot read the deployment key {path}: {reason}").format(path=path,
                                                                      reason=said(os_reason(exc)))


def ensure_key(home: Path) -> tuple[DeploymentKey, bool]:
    """(the deployment key, whether it was just created). Safe against a concurrent creator:
    the key is written to a private temporary file and linked into place only if none exists."""
    existing = load_key(home)
    if existing is not None:
        return existing, False
    directory = key_path(home).parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        created = _create(key_path(home))
    except OSError as exc:
        raise KeyFileError(_("cannot create the deployment key in {path}: {reason}").format(
            path=directory, reason=said(os_reason(exc)))) from exc
    key = load_key(home)
    assert key is not None  # just created, or created by a concurrent process
    return key, created


def _create(path: Path) -> bool:
    body = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # fails if another process won the race: its key stands
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
