"""Which key vouches for a manifest, and how far that goes: said plainly in every verdict.

A signature by the key shipped inside the bundle only shows the files are as they were when
signed; it shows who signed only when the verifier compares the key with one they hold (a key
file, or a fingerprint published by the deployment or given to a court).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.evidence.bundle_format import PUBLIC_KEY, SIGNATURE, SIGNATURE_SIZE
from monitor.evidence.keys import PublicKey
from monitor.evidence.text import _

__all__ = ["BUNDLE", "SUPPLIED", "SignatureCheck", "Trust", "check_signature"]

SUPPLIED = "supplied"  # the verifier's own key (file) or fingerprint
BUNDLE = "bundle"  # only the key inside the bundle


@dataclass(frozen=True)
class Trust:
    """The verifier's trust anchor: a public key, a fingerprint, or nothing (the bundle's key)."""

    key: PublicKey | None = None
    fingerprint: str | None = None

    @property
    def kind(self) -> str:
        return SUPPLIED if self.key is not None or self.fingerprint else BUNDLE


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    trust: str
    key_fingerprint: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "trust": self.trust, "key_fingerprint": self.key_fingerprint,
                "message": self.message}


def check_signature(trust: Trust, bundle_key: PublicKey | None, signature: bytes | None,
                    manifest_raw: bytes, manifest: dict[str, Any]) -> SignatureCheck:
    if signature is None:
        return SignatureCheck(False, trust.kind, None, _(
            "not signed: {name} is missing, so nothing vouches for the manifest (anyone could "
            "have re-hashed it)").format(name=SIGNATURE))
    key = trust.key or bundle_key
    if key is None:
        return SignatureCheck(False, trust.kind, None, _(
            "cannot check the signature: {name} is missing from the bundle and no --public-key "
            "was given").format(name=PUBLIC_KEY))
    if trust.fingerprint and key.fingerprint != trust.fingerprint:
        return SignatureCheck(False, SUPPLIED, key.fingerprint, _(
            "signed by key {key}, not by the key you supplied ({supplied})").format(
                key=key.fingerprint, supplied=trust.fingerprint))
    if len(signature) != SIGNATURE_SIZE or not key.verifies(signature, manifest_raw):
        return SignatureCheck(False, trust.kind, key.fingerprint, _(
            "bad signature: {name} does not verify with key {key}: the manifest was changed "
            "after it was signed, or signed by another key").format(name=SIGNATURE,
                                                                  key=key.fingerprint))
    named = (manifest.get("signing_key") or {}).get("fingerprint")
    if named is not None and named != key.fingerprint:
        return SignatureCheck(False, trust.kind, key.fingerprint, _(
            "the manifest names signing key {named} but was signed by {key}").format(
                named=ascii(named), key=key.fingerprint))
    return SignatureCheck(True, trust.kind, key.fingerprint, _trusted_message(trust, key))


def _trusted_message(trust: Trust, key: PublicKey) -> str:
    if trust.kind == SUPPLIED:
        return _("signed by key {key}, which you supplied").format(key=key.fingerprint)
    return _("signed by key {key} (the key inside the bundle), a key you did not supply: this "
             "proves integrity since export, not who exported").format(key=key.fingerprint)
