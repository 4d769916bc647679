"""The names and shape of an evidence bundle's own files (interfaces.md §7).

`manifest.json` lists every other file (`path` → `size`, `sha256`) and names the signing key;
`manifest.sig` is the raw 64-byte Ed25519 signature of manifest.json's exact bytes, so it can be
checked without Pantau: `openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin
-in manifest.json -sigfile manifest.sig`; `public_key.pem` is the signer's public key (listed in
the manifest like any file; it tells who signed only when compared with a key the verifier holds).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from monitor.evidence.text import _

__all__ = [
    "CASE_JSON",
    "ITEMS_CSV",
    "ITEMS_JSONL",
    "MANIFEST",
    "PUBLIC_KEY",
    "README",
    "REPORT_HTML",
    "REPORT_PDF",
    "SUMMARY_HTML",
    "SUMMARY_PDF",
    "SIGNATURE",
    "SIGNATURE_SIZE",
    "UNLISTED",
    "case_folder",
    "manifest_problem",
    "post_folder",
    "signing_key_entry",
    "snapshot_name",
]

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
UNLISTED = frozenset({MANIFEST, SIGNATURE, "manifest.tsr"})  # the only files the manifest cannot list (manifest.tsr: trusted timestamp, capture helper)
SIGNATURE_SIZE = 64
_SHA256 = re.compile(r"[0-9a-f]{64}")

# The bundle's layout: at the root the guide, the summary report and the item tables; one
# folder per case (`cases/<id>/`) or, for an item in no case, per post (`posts/<id>/`), each
# with its case.json, its report, and its raw snapshots under `snapshots/`.
README = "README.txt"
SUMMARY_HTML = "summary.html"
SUMMARY_PDF = "summary.pdf"
ITEMS_CSV = "items.csv"
ITEMS_JSONL = "items.jsonl"
CASE_JSON = "case.json"
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
_EXTENSIONS = (  # content type (its start) -> the extension a desktop opens it by
    ("text/html", ".html"), ("application/xhtml", ".html"), ("application/json", ".json"),
    ("application/x-ndjson", ".json"), ("application/ld+json", ".json"), ("text/csv", ".csv"),
    ("application/rss", ".xml"), ("application/atom", ".xml"), ("application/xml", ".xml"),
    ("text/xml", ".xml"), ("text/plain", ".txt"), ("image/png", ".png"), ("image/jpeg", ".jpg"),
    ("image/gif", ".gif"), ("image/webp", ".webp"), ("application/pdf", ".pdf"),
)
_MAGIC = ((b"%PDF", ".pdf"), (b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"))


def post_folder(post_id: int) -> str:
    return f"posts/{post_id}"


def case_folder(case_id: int) -> str:
    return f"cases/{case_id}"


def _extension(content_type: str | None, body: bytes) -> str:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    for prefix, extension in _EXTENSIONS:
        if kind.startswith(prefix):
            return extension
    for magic, extension in _MAGIC:
        if body.startswith(magic):
            return extension
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return ".xml" if body.lstrip()[:5].lower() == b"<?xml" else ".html"
    if head in (b"{", b"["):
        return ".json"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body[:4096], final=False)
    except UnicodeDecodeError:
        return ".bin"
    return ".txt"


def snapshot_name(sha256: str, content_type: str | None, body: bytes) -> str:
    """`snapshots/<sha256><ext>`: named by its hash, opened by double-click."""
    return f"snapshots/{sha256}{_extension(content_type, body)}"


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
