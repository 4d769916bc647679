"""Exports of reviewed posts: CSV, JSON Lines, and the evidence bundle (a ZIP with a manifest).

A bundle holds each exported post with its decision trail, the byte-exact raw responses it was
read from (named by SHA-256), and `manifest.json` listing every file's SHA-256 and size. The
manifest's own hash is written to the audit log, so `pantau verify` can show a bundle is the one
that was exported, and that nothing in it was altered, removed or added since.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.config import VERSION
from monitor.evidence import signing, timestamps
from monitor.evidence.keys import DeploymentKey
from monitor.evidence.verify import BundleVerdict, Trust, verify_bundle_file
from storage.audit import AuditRecord, audit_head, find_entry
from storage.db import Database
from storage.exports import ExportItem, ExportQuery, blob_bodies, export_items

__all__ = ["ExportFilter", "write_export", "verify_bundle", "BundleCheck", "MANIFEST",
           "find_export_in_audit", "FORMATS"]

MANIFEST = "manifest.json"
FORMATS = ("csv", "jsonl", "bundle")
CSV_COLUMNS = ("review_id", "status", "category", "reviewer", "decided_at", "note", "score",
               "model_version", "platform", "external_id", "url", "author_handle", "author_name",
               "author_bio", "region", "posted_at", "collected_at", "text", "content_sha256")

ExportFilter = ExportQuery


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _csv_row(item: dict[str, Any]) -> list[Any]:
    post, author = item["post"], item["post"].get("author", {})
    flat = {**item, "platform": post["platform"], "external_id": post["external_id"],
            "url": post.get("url"), "author_handle": author.get("handle"), "author_name": author.get("name"),
            "author_bio": author.get("bio"), "region": post.get("region"), "posted_at": post.get("posted_at"),
            "text": post["text"]}
    return [_csv_safe(flat.get(column)) for column in CSV_COLUMNS]


def _csv_safe(value: Any) -> Any:
    """Scraped text opened in a spreadsheet must not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv(items: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(item) for item in items)
    return buffer.getvalue().encode("utf-8")


def _write_jsonl(items: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode("utf-8")


def write_export(db: Database, fmt: str, out: Path, flt: ExportFilter, *,
                 actor: str, signing_key: DeploymentKey | None = None) -> dict[str, Any]:
    """Write the export file; returns its summary (counts, and for a bundle the manifest's
    SHA-256, which the caller records in the audit log, and the signing key's fingerprint)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "bundle" and signing_key is None:
        raise ValueError("an evidence bundle is signed: pass the deployment key")
    with db.reader() as session:  # one consistent snapshot, without holding the write lock
        items = list(export_items(session, flt))
        documents = [item.document for item in items]
        summary: dict[str, Any] = {"format": fmt, "items": len(items), "out": str(out)}
        if fmt == "csv":
            out.write_bytes(_write_csv(documents))
        elif fmt == "jsonl":
            out.write_bytes(_write_jsonl(documents))
        elif signing_key is not None:  # a bundle (checked above: it is signed)
            files = _bundle_files(session, items, documents)
            files.update(signing.key_files(signing_key))
            summary.update(_write_bundle(files, out, flt, actor, audit_head(session), len(items),
                                         signing_key))
    return summary


def _bundle_files(session: Any, items: list[ExportItem],
                  documents: list[dict[str, Any]]) -> dict[str, bytes]:
    files = {"items.jsonl": _write_jsonl(documents), "items.csv": _write_csv(documents)}
    shas = [sha for item in items for sha in item.snapshot_sha256s]
    files.update((f"snapshots/{sha}.bin", body) for sha, body in blob_bodies(session, shas))
    return files


def _write_bundle(files: dict[str, bytes], out: Path, flt: ExportFilter, actor: str,
                  head: str | None, count: int, key: DeploymentKey) -> dict[str, Any]:
    manifest = {
        "pantau_version": VERSION, "exported_at": datetime.now(UTC).isoformat(), "exported_by": actor,
        "filter": {"status": flt.status, "since": _iso(flt.since), "region": flt.region},
        "items": count, "audit_head": head, **signing.manifest_fields(key),
        "files": {name: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
                  for name, body in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    tmp = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(name, body)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(*signing.signature_file(key, manifest_bytes))
        for name, body in timestamps.bundle_entries(manifest_bytes):  # RFC 3161 token (capture helper)
            archive.writestr(name, body)
    tmp.replace(out)
    return {"manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(), "files": len(files),
            "signing_key": key.public.fingerprint}


BundleCheck = BundleVerdict  # the verdict of monitor.evidence.verify (files and signature)


def verify_bundle(path: Path, trust: Trust | None = None) -> BundleVerdict:
    """Every file listed and unchanged, nothing missing, nothing extra, the manifest signed
    (streamed: bounded memory whatever the archive claims; hostile archives refused unread)."""
    return verify_bundle_file(path, trust)


def find_export_in_audit(session: Any, manifest_sha256: str) -> AuditRecord | None:
    return find_entry(session, "export", "manifest_sha256", manifest_sha256)
