"""Signing a bundle at export: the public key ships inside it, the manifest names the key, and
`manifest.sig` holds the signature of the manifest's exact bytes."""

from __future__ import annotations

from typing import Any

from monitor.evidence.bundle_format import PUBLIC_KEY, SIGNATURE, signing_key_entry
from monitor.evidence.keys import DeploymentKey

__all__ = ["key_files", "manifest_fields", "signature_file"]


def key_files(key: DeploymentKey) -> dict[str, bytes]:
    """Files to list in the manifest like any other: the signer's public key."""
    return {PUBLIC_KEY: key.public.pem}


def manifest_fields(key: DeploymentKey) -> dict[str, Any]:
    """Manifest fields binding the signer's identity into what is signed."""
    return {"signing_key": signing_key_entry(key.public.fingerprint)}


def signature_file(key: DeploymentKey, manifest_bytes: bytes) -> tuple[str, bytes]:
    """(name, body) of the detached signature to write beside manifest.json."""
    return SIGNATURE, key.sign(manifest_bytes)
