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
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import VERSION
from monitor.evidence import signing
from monitor.evidence.keys import DeploymentKey
from monitor.evidence.verify import BundleVerdict, Trust, verify_bundle_file
from monitor.posts_view import post_record
from storage.audit import append_audit
from storage.db import Database
from storage.models import (
    Author, AuditEntry, Blob, Post, PostSnapshot, Review, ReviewDecision, Snapshot,
)
from storage.records import record_to_dict
from storage.reviews import latest_scores

__all__ = ["ExportFilter", "export", "verify_bundle", "BundleCheck", "MANIFEST"]

MANIFEST = "manifest.json"
CSV_COLUMNS = ("review_id", "status", "category", "reviewer", "decided_at", "note", "score",
               "model_version", "platform", "external_id", "url", "author_handle", "author_name",
               "author_bio", "region", "posted_at", "collected_at", "text", "content_sha256")


@dataclass(frozen=True)
class ExportFilter:
    status: str | None = None
    since: datetime | None = None
    region: str | None = None


def _items(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    latest = latest_scores()
    query = (select(Review, Post, Author, latest.c.score, latest.c.model_version, latest.c.explanation)
             .join(Post, Post.id == Review.post_id)
             .outerjoin(Author, Author.id == Post.author_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .order_by(Review.id))
    if flt.status:
        query = query.where(Review.status == flt.status)
    if flt.since:
        query = query.where(func.coalesce(Review.decided_at, Review.created_at) >= flt.since)
    if flt.region:
        query = query.where(Post.region == flt.region)
    for review, post, author, score, model_version, explanation in session.execute(query):
        decisions = session.scalars(select(ReviewDecision).where(ReviewDecision.review_id == review.id)
                                    .order_by(ReviewDecision.id)).all()
        snapshots = session.execute(
            select(Snapshot.sha256, Snapshot.url, Snapshot.fetched_at, Snapshot.status, PostSnapshot.post_version)
            .join(PostSnapshot, PostSnapshot.snapshot_id == Snapshot.id)
            .where(PostSnapshot.post_id == post.id).order_by(Snapshot.id)).all()
        yield {
            "review_id": review.id, "status": review.status, "category": review.category,
            "reviewer": review.reviewer, "decided_at": _iso(review.decided_at), "note": review.note,
            "score": score, "model_version": model_version, "explanation": explanation or [],
            "post": record_to_dict(post_record(post, author)),
            "collected_at": _iso(post.collected_at), "content_sha256": post.content_sha256,
            "post_version": post.version, "post_status": post.status,
            "decisions": [{"decision": d.decision, "previous_status": d.previous_status,
                           "category": d.category, "note": d.note, "reviewer": d.reviewer,
                           "decided_at": _iso(d.decided_at), "review_version": d.review_version}
                          for d in decisions],
            "snapshots": [{"sha256": s.sha256, "url": s.url, "fetched_at": _iso(s.fetched_at),
                           "status": s.status, "post_version": s.post_version} for s in snapshots],
        }


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


def export(db: Database, fmt: str, out: Path, flt: ExportFilter, *, actor: str = "cli",
           signing_key: DeploymentKey | None = None) -> dict[str, Any]:
    """Write the export; returns a summary (counts, and for a bundle the manifest's SHA-256)."""
    if fmt == "bundle" and signing_key is None:
        raise ValueError("an evidence bundle is signed: pass the deployment key")
    with db.reader() as session:  # one consistent snapshot, without holding the write lock
        items = list(_items(session, flt))
        summary: dict[str, Any] = {"format": fmt, "items": len(items), "out": str(out)}
        if fmt == "csv":
            out.write_bytes(_write_csv(items))
        elif fmt == "jsonl":
            out.write_bytes(_write_jsonl(items))
        elif fmt == "bundle" and signing_key is not None:  # (checked above: a bundle is signed)
            summary.update(_write_bundle(session, items, out, flt, actor, signing_key))
        else:
            raise ValueError(f"unknown export format {fmt!r}")
    with db.session() as session:
        append_audit(session, actor=actor, action="export", entity="export", entity_id=out.name,
                     details={k: v for k, v in summary.items() if k != "out"}
                     | {"status": flt.status, "since": _iso(flt.since), "region": flt.region})
    return summary


def _write_bundle(session: Session, items: list[dict[str, Any]], out: Path, flt: ExportFilter,
                  actor: str, key: DeploymentKey) -> dict[str, Any]:
    files: dict[str, bytes] = {"items.jsonl": _write_jsonl(items), "items.csv": _write_csv(items)}
    files.update(signing.key_files(key))
    for sha in sorted({s["sha256"] for item in items for s in item["snapshots"]}):
        blob = session.get(Blob, sha)
        if blob is not None:
            files[f"snapshots/{sha}.bin"] = blob.body
    head = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    manifest = {
        "pantau_version": VERSION, "exported_at": datetime.now(UTC).isoformat(), "exported_by": actor,
        "filter": {"status": flt.status, "since": _iso(flt.since), "region": flt.region},
        "items": len(items), "audit_head": head, **signing.manifest_fields(key),
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
    tmp.replace(out)
    return {"manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(), "files": len(files),
            "signing_key": key.public.fingerprint}


BundleCheck = BundleVerdict  # the verdict of monitor.evidence.verify (files and signature)


def verify_bundle(path: Path, trust: Trust | None = None) -> BundleVerdict:
    """Every file listed and unchanged, nothing missing, nothing extra, the manifest signed
    (streamed: bounded memory whatever the archive claims; hostile archives refused unread)."""
    return verify_bundle_file(path, trust)


def find_export_in_audit(session: Session, manifest_sha256: str) -> AuditEntry | None:
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == "export")):
        if entry.details.get("manifest_sha256") == manifest_sha256:
            return entry
    return None
