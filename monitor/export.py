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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.config import VERSION
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
                 actor: str) -> dict[str, Any]:
    """Write the export file; returns its summary (counts, and for a bundle the manifest's
    SHA-256, which the caller records in the audit log)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with db.reader() as session:  # one consistent snapshot, without holding the write lock
        items = list(export_items(session, flt))
        documents = [item.document for item in items]
        summary: dict[str, Any] = {"format": fmt, "items": len(items), "out": str(out)}
        if fmt == "csv":
            out.write_bytes(_write_csv(documents))
        elif fmt == "jsonl":
            out.write_bytes(_write_jsonl(documents))
        else:
            files = _bundle_files(session, items, documents)
            summary.update(_write_bundle(files, out, flt, actor, audit_head(session), len(items)))
    return summary


def _bundle_files(session: Any, items: list[ExportItem],
                  documents: list[dict[str, Any]]) -> dict[str, bytes]:
    files = {"items.jsonl": _write_jsonl(documents), "items.csv": _write_csv(documents)}
    shas = [sha for item in items for sha in item.snapshot_sha256s]
    files.update((f"snapshots/{sha}.bin", body) for sha, body in blob_bodies(session, shas))
    return files


def _write_bundle(files: dict[str, bytes], out: Path, flt: ExportFilter, actor: str,
                  head: str | None, count: int) -> dict[str, Any]:
    manifest = {
        "pantau_version": VERSION, "exported_at": datetime.now(UTC).isoformat(), "exported_by": actor,
        "filter": {"status": flt.status, "since": _iso(flt.since), "region": flt.region},
        "items": count, "audit_head": head,
        "files": {name: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
                  for name, body in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    tmp = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(name, body)
        archive.writestr(MANIFEST, manifest_bytes)
    tmp.replace(out)
    return {"manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(), "files": len(files)}


@dataclass
class BundleCheck:
    intact: bool
    problems: list[str]
    manifest_sha256: str | None = None
    items: int = 0


def verify_bundle(path: Path) -> BundleCheck:
    """Every file listed and unchanged, nothing missing, nothing extra."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return BundleCheck(False, [f"not a readable ZIP file: {exc}"])
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if MANIFEST not in names:
            return BundleCheck(False, [f"missing file: {MANIFEST}"])
        raw = archive.read(MANIFEST)
        try:
            manifest = json.loads(raw)
            listed: dict[str, dict[str, Any]] = manifest["files"]
            if not (isinstance(listed, dict) and all(isinstance(v, dict) for v in listed.values())
                    and isinstance(manifest.get("items", 0), int)):
                raise TypeError("unexpected manifest structure")
        except (ValueError, KeyError, TypeError):
            return BundleCheck(False, [f"altered file: {MANIFEST} (not a valid manifest)"])
        problems = []
        for name in sorted(listed):
            if name not in names:
                problems.append(f"missing file: {name}")
                continue
            digest = hashlib.sha256(archive.read(name)).hexdigest()
            if digest != listed[name].get("sha256"):
                problems.append(f"altered file: {name}")
        problems += [f"extra file: {name}" for name in sorted(set(names) - set(listed) - {MANIFEST})]
        if len(names) != len(set(names)):
            problems.append("duplicate file names in the archive")
    return BundleCheck(not problems, problems, hashlib.sha256(raw).hexdigest(), int(manifest.get("items", 0)))


def find_export_in_audit(session: Any, manifest_sha256: str) -> AuditRecord | None:
    return find_entry(session, "export", "manifest_sha256", manifest_sha256)
