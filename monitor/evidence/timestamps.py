"""RFC 3161 trusted timestamps of a bundle's manifest: asked for at export, checked by verify.

When `evidence.tsa_url` is set, the export asks that time-stamping authority (TSA) to sign the
SHA-256 of `manifest.json`'s exact bytes, and ships its answer as `manifest.tsr` (a DER
TimeStampResp, checkable without Pantau: `openssl ts -verify -in manifest.tsr -data
manifest.json -CAfile TSA-CA.pem`). It proves the manifest — so every file it lists — existed
no later than the time the authority signed, independently of Pantau's own clock and key.

`check_token` verifies the token's message imprint against the manifest, then its signature:
against the certificate the verifier supplies (`pantau verify --tsa-cert FILE`: the full chain
check of rfc3161-client, EKU timeStamping included), or, with none supplied, against the signer
certificate inside the token (CMS signed attributes checked here) — which shows the token is
intact but not that the authority is one the verifier trusts; the verdict says which.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import cryptography.x509 as x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from monitor.errors import N_, ServiceError
from monitor.evidence.text import _

__all__ = ["TOKEN", "TimestampCheck", "TimestampFailed", "authority", "bundle_entries",
           "check_token", "load_certificates", "request_token"]

TOKEN = "manifest.tsr"
MAX_TOKEN_BYTES = 1_000_000
SUPPLIED, TOKEN_CERT = "supplied", "token"
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "2.16.840.1.101.3.4.2.1": hashes.SHA256, "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512}
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_RSA_PSS = "1.2.840.113549.1.1.10"


class TimestampFailed(ServiceError):
    """The configured authority gave no usable timestamp: the export stops rather than ship a
    bundle without the timestamp the deployment promised."""


@dataclass(frozen=True)
class _Authority:
    url: str
    timeout: float


_CURRENT: ContextVar[_Authority | None] = ContextVar("pantau_tsa", default=None)


@contextmanager
def authority(url: str | None, timeout: float = 30.0) -> Iterator[None]:
    """Exports inside this block are timestamped by `url` (none when empty)."""
    token = _CURRENT.set(_Authority(url, timeout) if url else None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def bundle_entries(manifest: bytes) -> list[tuple[str, bytes]]:
    """The bundle's timestamp file for these final manifest bytes, or nothing when no
    authority is configured (the call the bundle writer makes)."""
    current = _CURRENT.get()
    if current is None:
        return []
    return [(TOKEN, request_token(current.url, manifest, timeout=current.timeout))]


def request_token(url: str, data: bytes, *, timeout: float = 30.0) -> bytes:
    """Ask the authority at `url` to timestamp SHA-256(data); the TimeStampResp's bytes,
    checked (granted, our nonce, our imprint) before they are kept."""
    import httpx
    from rfc3161_client import (
        HashAlgorithm,
        PKIStatus,
        TimestampRequestBuilder,
        decode_timestamp_response,
    )

    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    try:
        answer = httpx.post(url, content=request.as_bytes(), timeout=timeout,
                            headers={"Content-Type": "application/timestamp-query"})
    except httpx.HTTPError as exc:
        raise TimestampFailed(N_("the timestamp authority {url} did not answer: {reason}"),
                              url=url, reason=str(exc) or type(exc).__name__) from None
    body = answer.content[:MAX_TOKEN_BYTES + 1]
    if answer.status_code != 200 or len(body) > MAX_TOKEN_BYTES:
        raise TimestampFailed(N_("the timestamp authority {url} refused: HTTP {status}"),
                              url=url, status=answer.status_code)
    try:
        response = decode_timestamp_response(body)
        granted = PKIStatus(response.status) in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS)
        ours = (response.tst_info.nonce == request.nonce and
                response.tst_info.message_imprint.message == hashlib.sha256(data).digest())
    except ValueError as exc:
        raise TimestampFailed(N_("the timestamp authority {url} sent no usable token: {reason}"),
                              url=url, reason=str(exc)[:300]) from None
    if not granted or not ours:
        raise TimestampFailed(N_("the timestamp authority {url} sent no usable token: {reason}"),
                              url=url, reason="not granted" if not granted else "not our request")
    return body


@dataclass(frozen=True)
class TimestampCheck:
    present: bool
    valid: bool
    message: str
    time: datetime | None = None
    authority: str | None = None
    trust: str | None = None  # "supplied" (the verifier's certificate) | "token" | None

    def as_dict(self) -> dict[str, Any]:
        return {"present": self.present, "valid": self.valid, "message": self.message,
                "time": self.time.isoformat() if self.time else None,
                "authority": self.authority, "trust": self.trust}


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """Certificates from a PEM file (several allowed) or one DER certificate; ValueError."""
    if b"-----BEGIN" in pem:
        return x509.load_pem_x509_certificates(pem)
    return [x509.load_der_x509_certificate(pem)]


def check_token(token: bytes | None, manifest: bytes,
                supplied: Sequence[x509.Certificate] = ()) -> TimestampCheck:
    """The verdict on the bundle's timestamp, said plainly (also when there is none)."""
    if token is None:
        return TimestampCheck(False, True, _("no trusted timestamp: nothing vouches for when "
                                             "this bundle was made beyond its own export time"))
    from rfc3161_client import decode_timestamp_response

    try:
        response = decode_timestamp_response(token)
        info = response.tst_info
        when, imprint = info.gen_time, info.message_imprint
        algorithm = _HASHES.get(imprint.hash_algorithm.dotted_string)
    except ValueError as exc:
        return _bad(_("the trusted timestamp {name} is unreadable: {reason}").format(
            name=TOKEN, reason=str(exc)[:300]))
    if algorithm is None or imprint.message != _digest(algorithm, manifest):
        return _bad(_("trusted timestamp mismatch: {name} does not vouch for this "
                      "manifest.json (it was altered after it was timestamped)").format(name=TOKEN),
                    when)
    try:
        signer = _verify_with(response, manifest, supplied) if supplied else _self_check(response)
    except (ValueError, InvalidSignature, IndexError, StopIteration, x509.ExtensionNotFound) as exc:
        reason = str(exc) or "invalid signature"
        return _bad(_("the trusted timestamp's signature is not valid: {reason}").format(
            reason=reason[:300]), when)
    name = signer.subject.rfc4514_string()
    if supplied:
        return TimestampCheck(True, True, _("trusted timestamp: {time} by {authority}, "
                                            "certified by the certificate you supplied").format(
            time=when.isoformat(), authority=name), when, name, SUPPLIED)
    return TimestampCheck(True, True, _("trusted timestamp: {time} by {authority}, whose "
                                        "certificate you did not supply (--tsa-cert): this shows "
                                        "the token is intact, not that you trust its "
                                        "authority").format(time=when.isoformat(), authority=name),
                          when, name, TOKEN_CERT)


def _bad(message: str, when: datetime | None = None) -> TimestampCheck:
    return TimestampCheck(True, False, message, when)


def _digest(algorithm: type[hashes.HashAlgorithm], data: bytes) -> bytes:
    hasher = hashes.Hash(algorithm())
    hasher.update(data)
    return hasher.finalize()


def _verify_with(response: Any, manifest: bytes,
                 supplied: Sequence[x509.Certificate]) -> x509.Certificate:
    """rfc3161-client's full check: chain to the supplied certificate(s), EKU, imprint."""
    from rfc3161_client import VerificationError, VerifierBuilder

    builder = VerifierBuilder()
    for certificate in supplied:
        builder = builder.add_root_certificate(certificate)
    try:
        builder.build().verify_message(response, manifest)
    except VerificationError as exc:
        raise ValueError(str(exc)) from None
    return _signer_certificate(response)


def _signer_certificate(response: Any) -> x509.Certificate:
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        raise ValueError(f"expected one signer, found {len(infos)}")
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if certificate.issuer == infos[0].issuer and certificate.serial_number == infos[0].serial_number:
            return certificate
    raise ValueError("the token holds no certificate of its signer (use --tsa-cert)")


def _self_check(response: Any) -> x509.Certificate:
    """The token's CMS signature checked with the signer certificate it carries, and that
    certificate's critical timeStamping EKU (RFC 3161 §2.3)."""
    signer = _signer_certificate(response)
    eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    if not eku.critical or ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        raise ValueError("the signer certificate is not a time-stamping certificate")
    signed = _cms_signer(response.time_stamp_token())
    algorithm = _HASHES.get(signed.digest_oid)
    if algorithm is None:
        raise ValueError(f"unsupported digest {signed.digest_oid}")
    if signed.message_digest != _digest(algorithm, signed.content):
        raise ValueError("the signed digest does not match the token's content")
    key = signer.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signed.signature, signed.attributes, ec.ECDSA(algorithm()))
    elif isinstance(key, rsa.RSAPublicKey):
        pad: padding.AsymmetricPadding = (
            padding.PSS(padding.MGF1(algorithm()), padding.PSS.AUTO)
            if signed.signature_oid == _RSA_PSS else padding.PKCS1v15())
        key.verify(signed.signature, signed.attributes, pad, algorithm())
    else:
        raise ValueError(f"unsupported signer key {type(key).__name__}")
    return signer


# --- a small DER reader for the one CMS structure a token is ------------------------------


@dataclass(frozen=True)
class _Signed:
    content: bytes        # the TSTInfo DER that was signed
    attributes: bytes     # the signed attributes as a DER SET (what the signature covers)
    message_digest: bytes
    digest_oid: str
    signature_oid: str
    signature: bytes


def _tlv(data: bytes, at: int) -> tuple[int, int, int, int]:
    """(tag, start of value, end of value, end of element) of the DER element at `at`."""
    if at + 2 > len(data):
        raise ValueError("truncated DER")
    tag, length, head = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or head + count > len(data):
            raise ValueError("bad DER length")
        length, head = int.from_bytes(data[head:head + count], "big"), head + count
    if head + length > len(data):
        raise ValueError("truncated DER")
    return tag, head, head + length, head + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    out, at = [], start
    while at < end:
        element = _tlv(data, at)
        out.append((element[0], at, element[1], element[2]))
        at = element[3]
    return out  # (tag, element start, value start, value end)


def _oid(body: bytes) -> str:
    first, rest, value, parts = body[0], body[1:], 0, []
    parts.extend([min(first // 40, 2), first - 40 * min(first // 40, 2)])
    for byte in rest:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _cms_signer(token: bytes) -> _Signed:
    tag, start, end, _ = _tlv(token, 0)  # ContentInfo
    content_info = _children(token, start, end)
    _t, _s, signed_start, signed_end = content_info[1]  # [0] EXPLICIT
    _t, _s, sd_start, sd_end = _children(token, signed_start, signed_end)[0]  # SignedData
    parts = _children(token, sd_start, sd_end)
    encap = _children(token, parts[2][2], parts[2][3])
    explicit = _children(token, encap[1][2], encap[1][3])[0]
    content = token[explicit[2]:explicit[3]]
    signer_set = parts[-1]
    infos = _children(token, signer_set[2], signer_set[3])
    fields = _children(token, infos[0][2], infos[0][3])
    digest_oid = _oid(_first_value(token, fields[2]))
    attributes = next(f for f in fields if f[0] == 0xA0)
    signature_alg = fields[fields.index(attributes) + 1]
    signature = fields[fields.index(attributes) + 2]
    attrs_der = b"\x31" + token[attributes[1] + 1:attributes[3]]
    digest = None
    for attribute in _children(token, attributes[2], attributes[3]):
        kind, values = _children(token, attribute[2], attribute[3])
        if _oid(token[kind[2]:kind[3]]) == _MESSAGE_DIGEST:
            digest = _first_value(token, values)
    if digest is None:
        raise ValueError("no messageDigest in the signed attributes")
    return _Signed(content, attrs_der, digest, digest_oid,
                   _oid(_first_value(token, signature_alg)), token[signature[2]:signature[3]])


def _first_value(data: bytes, element: tuple[int, int, int, int]) -> bytes:
    inner = _children(data, element[2], element[3])[0]
    return data[inner[2]:inner[3]]
