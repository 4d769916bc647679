"""Checking an evidence bundle with nothing but the file (and, if given, a public key).

Order matters for a hostile file: the central directory is screened first (nothing is
decompressed from an archive that is refused), then the manifest is read with a size cap, each
entry's declared size is compared with the manifest's before it is read, and only then is each
entry hashed in chunks, so memory stays bounded whatever the archive claims. Last, the manifest's
signature is checked against the trust anchor the verifier chose, and the verdict says which.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.x509 import Certificate

from monitor.evidence.bundle_format import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    UNLISTED,
    manifest_problem,
)
from monitor.evidence.entries import CorruptEntry, hash_entry, read_capped
from monitor.evidence.keys import KeyFileError, PublicKey, public_key_from_pem
from monitor.evidence.signature_check import SignatureCheck, Trust, check_signature
from monitor.evidence.text import _
from monitor.evidence.timestamps import TOKEN, TimestampCheck, check_token
from monitor.evidence.zipcheck import ZipLimits, directory_problem, screen, shown

__all__ = ["BundleVerdict", "SignatureCheck", "Trust", "verify_bundle_file"]

# Everything zipfile raises on a damaged or unsupported central directory (found by fuzzing).
_UNREADABLE = (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError,
               RuntimeError, struct.error, KeyError, IndexError)


@dataclass
class BundleVerdict:
    """`intact` only if every file matches the manifest and the manifest's signature holds."""

    intact: bool
    problems: list[str]
    manifest_sha256: str | None = None
    items: int = 0
    signature: SignatureCheck | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    timestamp: TimestampCheck | None = None


def verify_bundle_file(path: Path, trust: Trust | None = None,
                       limits: ZipLimits | None = None,
                       tsa_certs: Sequence[Certificate] = ()) -> BundleVerdict:
    trust, limits = trust or Trust(), limits or ZipLimits()
    if (oversized := directory_problem(path, limits)) is not None:
        return BundleVerdict(False, [oversized, _("refused without extracting anything")])
    try:
        size = path.stat().st_size
        archive = zipfile.ZipFile(path)
    except _UNREADABLE as exc:
        return BundleVerdict(False, [_("not a readable ZIP file (corrupt or truncated archive): "
                                       "{reason}").format(reason=exc)])
    with archive:
        refused = screen(archive, size, limits)
        if refused:
            return BundleVerdict(False, [*refused, _("refused without extracting anything")])
        return _verify_open(archive, trust, limits, tsa_certs)


def _verify_open(archive: zipfile.ZipFile, trust: Trust, limits: ZipLimits,
                 tsa_certs: Sequence[Certificate] = ()) -> BundleVerdict:
    entries = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    raw, problem = _manifest_bytes(archive, entries, limits)
    if raw is None:
        return BundleVerdict(False, [problem or _("missing file: {name}").format(name=MANIFEST)])
    manifest_sha = hashlib.sha256(raw).hexdigest()
    try:
        manifest = json.loads(raw)
    except ValueError:
        manifest = None
    if (why := manifest_problem(manifest)) is not None:
        return BundleVerdict(False, [_("altered file: {name} (not a valid manifest: {why})").format(
            name=MANIFEST, why=why)], manifest_sha)
    problems = _file_problems(archive, entries, manifest["files"])
    signature = check_signature(trust, _bundle_key(archive, entries, problems),
                                _signature_bytes(archive, entries, problems), raw, manifest)
    if not signature.valid:
        problems.append(signature.message)
    stamp = check_token(_token_bytes(archive, entries, problems), raw, tsa_certs)
    if not stamp.valid:
        problems.append(stamp.message)
    return BundleVerdict(not problems, problems, manifest_sha, manifest.get("items", 0),
                         signature, manifest, stamp)


def _manifest_bytes(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                    limits: ZipLimits) -> tuple[bytes | None, str | None]:
    info = entries.get(MANIFEST)
    if info is None:
        return None, None
    try:
        return read_capped(archive, info, limits.max_manifest_bytes), None
    except CorruptEntry as exc:
        return None, _corrupt(MANIFEST, exc)


def _file_problems(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                   listed: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for name in sorted(listed):
        expected, info = listed[name], entries.get(name)
        if info is None:
            problems.append(_("missing file: {name}").format(name=shown(name)))
        elif (problem := _entry_problem(archive, info, expected)) is not None:
            problems.append(problem)
    extra = sorted(set(entries) - set(listed) - UNLISTED)
    return problems + [_("extra file: {name}").format(name=shown(name)) for name in extra]


def _entry_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                   expected: dict[str, Any]) -> str | None:
    name = shown(info.filename)
    if info.file_size != expected["size"]:  # decided from the directory: never read
        return _("altered file: {name} (the archive declares {size} bytes, the manifest "
                 "{listed})").format(name=name, size=info.file_size, listed=expected["size"])
    try:
        digest, size = hash_entry(archive, info, expected["size"])
    except CorruptEntry as exc:
        return _corrupt(name, exc)
    if size != expected["size"] or digest != expected["sha256"]:
        return _("altered file: {name}").format(name=name)
    return None


def _corrupt(name: str, exc: CorruptEntry) -> str:
    return _("corrupt archive: {name} cannot be read: {reason}").format(name=name, reason=exc)


def _signature_bytes(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                     problems: list[str]) -> bytes | None:
    info = entries.get(SIGNATURE)
    if info is None:
        return None
    try:
        return read_capped(archive, info, 4096)
    except CorruptEntry as exc:
        problems.append(_corrupt(SIGNATURE, exc))
        return None


def _bundle_key(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                problems: list[str]) -> PublicKey | None:
    info = entries.get(PUBLIC_KEY)
    if info is None:
        return None
    try:
        return public_key_from_pem(read_capped(archive, info, 16384))
    except (CorruptEntry, KeyFileError) as exc:
        problems.append(_("{name} is unusable: {reason}").format(name=PUBLIC_KEY, reason=exc))
        return None


def _token_bytes(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo],
                 problems: list[str]) -> bytes | None:
    """The trusted timestamp (RFC 3161 token), if the bundle has one."""
    info = entries.get(TOKEN)
    if info is None:
        return None
    try:
        return read_capped(archive, info, 1_000_000)
    except CorruptEntry as exc:
        problems.append(_corrupt(TOKEN, exc))
        return None
