"""The names and shape of an evidence bundle's own files (interfaces.md §7).

`manifest.json` lists every other file (`path` → `size`, `sha256`) and names the signing key;
`manifest.sig` is the raw 64-byte Ed25519 signature of manifest.json's exact bytes, so it can be
checked without Pantau: `openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin
-in manifest.json -sigfile manifest.sig`; `public_key.pem` is the signer's public key (listed in
the manifest like any file; it tells who signed only when compared with a key the verifier holds).
"""

from __future__ import annotations

import re
from typing import Any

from monitor.evidence.text import _

__all__ = [
    "MANIFEST",
    "PUBLIC_KEY",
    "SIGNATURE",
    "SIGNATURE_SIZE",
    "UNLISTED",
    "manifest_problem",
    "signing_key_entry",
]

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
UNLISTED = frozenset({MANIFEST, SIGNATURE, "manifest.tsr"})  # the only files the manifest cannot list (manifest.tsr: trusted timestamp, capture helper)
SIGNATURE_SIZE = 64
_SHA256 = re.compile(r"[0-9a-f]{64}")


def signing_key_entry(fingerprint: str) -> dict[str, str]:
    """What the manifest says about its signer (so the signature binds the key's identity)."""
    return {"algorithm": "Ed25519", "fingerprint": fingerprint, "public_key": PUBLIC_KEY}


def manifest_problem(manifest: Any) -> str | None:
    """Why this parsed manifest cannot be used, or None."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return _("no `files` table")
    items = manifest.get("items", 0)
    if not isinstance(items, int) or isinstance(items, bool) or items < 0:
        return _("`items` is not a count")
    for name, entry in manifest["files"].items():
        if not _valid_entry(entry) or name in UNLISTED:
            return _("the entry for {name} is not a size and a SHA-256").format(name=ascii(name))
    key = manifest.get("signing_key")
    if key is not None and not (isinstance(key, dict) and isinstance(key.get("fingerprint"), str)):
        return _("`signing_key` has no fingerprint")
    return None


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    size, digest = entry.get("size"), entry.get("sha256")
    return (isinstance(size, int) and not isinstance(size, bool) and size >= 0
            and isinstance(digest, str) and _SHA256.fullmatch(digest) is not None)
