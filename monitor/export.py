"""Exports of reviewed posts: CSV, JSON Lines, and the evidence bundle (a signed ZIP).

A bundle (interfaces.md §7) holds one folder per case, `cases/<id>/` (a post in no case gets
its own, `posts/<id>/`; see `monitor.evidence.case_folders`), with `case.json`, the finding report (`report.html`, `report.pdf`) and the raw
snapshots byte-exact under `snapshots/`; at the root the summary report, `README.txt`, the item
tables, and `manifest.json` listing every file's SHA-256 and size, signed in `manifest.sig`. The
manifest's own hash is written to the audit log, so `pantau verify` can show a bundle is the one
that was exported, and that nothing in it was altered, removed or added since.

Everything is streamed: items are read from the database in batches, each ZIP entry is written
as soon as it is made, and the item tables and the manifest's file list grow in temporary files,
so memory does not grow with the bodies exported (only zipfile's own per-entry record does).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO
from zoneinfo import ZoneInfo

import orjson

from monitor.config import VERSION
from monitor.errors import N_
from monitor.evidence import bundle_format as layout
from monitor.evidence import signing, timestamps
from monitor.evidence.case_folders import Folder, FolderRouter
from monitor.evidence.keys import DeploymentKey
from monitor.evidence.report import (
    EvidenceFile,
    render_case,
    render_readme,
    render_summary,
)
from monitor.evidence.report_pdf import PdfPrinter
from monitor.evidence.spooled_zip import SpooledZipFile
from monitor.evidence.verify import BundleVerdict, Trust, verify_bundle_file
from monitor.i18n import cli_language, gettext_for
from monitor.localtime import zone_label
from storage.audit import AuditRecord, audit_head, find_entry
from storage.cases import Deadlines
from storage.db import Database
from storage.exports import ExportItem, ExportQuery, blob_body, count_export_items, export_batches

__all__ = ["ExportFilter", "Folder", "write_export", "verify_bundle", "BundleCheck", "MANIFEST",
           "find_export_in_audit", "FORMATS", "Progress"]

MANIFEST = layout.MANIFEST
FORMATS = ("csv", "jsonl", "bundle")
CSV_COLUMNS = ("review_id", "status", "category", "reviewer", "decided_at", "note", "score",
               "model_version", "platform", "external_id", "url", "author_handle", "author_name",
               "author_bio", "region", "posted_at", "collected_at", "text", "content_sha256")
TIME_COLUMNS = frozenset({"decided_at", "posted_at", "collected_at"})
EXCEL_HEADERS = {
    "review_id": N_("Review ID"), "status": N_("Status"), "category": N_("KASN category"),
    "reviewer": N_("Reviewer"), "decided_at": N_("Decided at ({zone})"), "note": N_("Note"),
    "score": N_("Score"), "model_version": N_("Model version"), "platform": N_("Platform"),
    "external_id": N_("Post ID on the platform"), "url": N_("Link"),
    "author_handle": N_("Account"), "author_name": N_("Author name"),
    "author_bio": N_("Author bio"), "region": N_("Region"), "posted_at": N_("Posted at ({zone})"),
    "collected_at": N_("Collected at ({zone})"), "text": N_("Text"),
    "content_sha256": N_("Content SHA-256"),
}
SUMMARY_ROWS = 1000  # the summary report lists at most this many; the tables list every item
BOM = "\ufeff"

ExportFilter = ExportQuery
Progress = Callable[[int, int], None]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _csv_safe(value: Any) -> Any:
    """Scraped text opened in a spreadsheet must not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class CsvStyle:
    """Plain (codes, UTC ISO times) or for spreadsheets (BOM, local times, headers in words)."""

    excel: bool = False
    zone: str = "UTC"
    language: str = "id"

    def header(self) -> list[str]:
        if not self.excel:
            return list(CSV_COLUMNS)
        gettext = gettext_for(self.language)
        label = zone_label(self.zone)
        return [gettext(EXCEL_HEADERS[c]).format(zone=label) for c in CSV_COLUMNS]

    def cell(self, column: str, value: Any) -> Any:
        if self.excel and column in TIME_COLUMNS and isinstance(value, str) and value:
            moment = datetime.fromisoformat(value).astimezone(ZoneInfo(self.zone))
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        return _csv_safe(value)

    def row(self, item: dict[str, Any]) -> list[Any]:
        post = item["post"]
        author = post.get("author") or {}
        flat = {**item, "platform": post["platform"], "external_id": post["external_id"],
                "url": post.get("url"), "author_handle": author.get("handle"),
                "author_name": author.get("name"), "author_bio": author.get("bio"),
                "region": post.get("region"), "posted_at": post.get("posted_at"), "text": post["text"]}
        return [self.cell(column, flat.get(column)) for column in CSV_COLUMNS]


def _pretty_json(document: dict[str, Any]) -> bytes:
    """Indented JSON, by orjson (the standard library's indenting encoder is pure Python);
    the standard library when orjson refuses (an integer beyond 64 bits in `extra`)."""
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    except TypeError:
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _jsonl_line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False) + "\n"


@contextmanager
def _target(out: Path | BinaryIO) -> Iterator[BinaryIO]:
    """A file written beside `out` and moved into place when complete, or the given stream."""
    if not isinstance(out, Path):
        yield out
        out.flush()
        return
    tmp = out.with_name(out.name + ".partial")
    try:
        with tmp.open("wb") as handle:
            yield handle
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _items(session: Any, flt: ExportFilter) -> Iterator[ExportItem]:
    for batch in export_batches(session, flt):
        yield from batch


def write_export(db: Database, fmt: str, out: Path | BinaryIO, flt: ExportFilter, *,
                 actor: str, signing_key: DeploymentKey | None = None, zone: str = "UTC",
                 excel: bool = False, pdf: bool = True, progress: Progress | None = None,
                 deadlines: Deadlines | None = None) -> dict[str, Any]:
    """Write the export; returns its summary (counts, and for a bundle the manifest's SHA-256,
    which the caller records in the audit log, and the signing key's fingerprint)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "bundle" and signing_key is None:
        raise ValueError("an evidence bundle is signed: pass the deployment key")
    tick = progress or (lambda done, total: None)
    name = str(out) if isinstance(out, Path) else "-"
    with db.reader() as session:  # one consistent snapshot, without holding the write lock
        total = count_export_items(session, flt)
        tick(0, total)
        summary: dict[str, Any] = {"format": fmt, "items": 0, "out": name}
        with _target(out) as handle:
            if fmt == "bundle" and signing_key is not None:
                bundle = _BundleWriter(session, handle, flt, actor=actor, key=signing_key,
                                       zone=zone, total=total, pdf=pdf, tick=tick,
                                       deadlines=deadlines or Deadlines(zone=zone))
                summary.update(bundle.write(audit_head(session)))
            else:
                summary["items"] = _write_table(session, fmt, handle, flt, CsvStyle(
                    excel=excel, zone=zone, language=cli_language()), total, tick)
    return summary


def _write_table(session: Any, fmt: str, handle: BinaryIO, flt: ExportFilter, style: CsvStyle,
                 total: int, tick: Progress) -> int:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text) if fmt == "csv" else None
        if writer is not None:
            if style.excel:
                text.write(BOM)
            writer.writerow(style.header())
        done = 0
        for item in _items(session, flt):
            if writer is not None:
                writer.writerow(style.row(item.document))
            else:
                text.write(_jsonl_line(item.document))
            done += 1
            tick(done, total)
        text.flush()
    finally:
        text.detach()  # the caller owns the stream (stdout stays open)
    return done


@dataclass
class _Entries:
    """The manifest's file list, kept on disk as it grows."""

    spool: IO[str] = field(default_factory=lambda: tempfile.TemporaryFile("w+", encoding="utf-8"))
    count: int = 0

    def add(self, name: str, size: int, sha256: str) -> None:
        self.spool.write(json.dumps(name, ensure_ascii=False) + ": "
                         + json.dumps({"sha256": sha256, "size": size}) + "\n")
        self.count += 1

    def lines(self) -> Iterator[str]:
        self.spool.seek(0)
        for line in self.spool:
            yield line.rstrip("\n")


class _BundleWriter:
    def __init__(self, session: Any, handle: BinaryIO, flt: ExportFilter, *, actor: str,
                 key: DeploymentKey, zone: str, total: int, pdf: bool, tick: Progress,
                 deadlines: Deadlines) -> None:
        self.session, self.flt, self.actor, self.key, self.zone = session, flt, actor, key, zone
        self.deadlines = deadlines
        self.total, self.tick, self.pdf = total, tick, pdf
        self.archive = SpooledZipFile(handle, compression=zipfile.ZIP_DEFLATED,
                                       allowZip64=True)
        self.entries = _Entries()
        self.exported_at = datetime.now(UTC).isoformat()
        self.counts: Counter[str] = Counter()
        self.rows: list[dict[str, Any]] = []
        self.pdf_missing = 0
        self.done = 0
        self.gettext = gettext_for("id")

    # -- entries ---------------------------------------------------------------------------
    def add(self, name: str, body: bytes) -> tuple[str, int]:
        digest = hashlib.sha256(body).hexdigest()
        self.archive.writestr(name, body)
        self.entries.add(name, len(body), digest)
        return digest, len(body)

    def add_stream(self, name: str, source: IO[bytes]) -> None:
        digest, size = hashlib.sha256(), 0
        source.seek(0)
        with self.archive.open(name, "w", force_zip64=True) as entry:
            while chunk := source.read(1 << 16):
                digest.update(chunk)
                entry.write(chunk)
                size += len(chunk)
        self.entries.add(name, size, digest.hexdigest())

    # -- the whole bundle ------------------------------------------------------------------
    def write(self, head: str | None) -> dict[str, Any]:
        csv_spool = tempfile.TemporaryFile()
        jsonl_spool = tempfile.TemporaryFile()
        style = CsvStyle(excel=True, zone=self.zone, language="id")
        csv_text = io.TextIOWrapper(csv_spool, encoding="utf-8", newline="")
        csv_text.write(BOM)
        table = csv.writer(csv_text)
        table.writerow(style.header())
        with PdfPrinter(self.pdf) as printer, csv_spool, jsonl_spool, self.archive:
            self.printer = printer
            router = FolderRouter(self.session, self.flt, deadlines=self.deadlines,
                                  now=datetime.now(UTC))
            for batch in export_batches(self.session, self.flt):
                for item in batch:
                    table.writerow(style.row(item.document))
                    jsonl_spool.write(_jsonl_line(item.document).encode("utf-8"))
                for folder, group in router.route(batch):
                    self.folder(folder, group)
            for folder, group in router.rest():
                self.folder(folder, group)
            csv_text.flush()
            self.add_stream(layout.ITEMS_CSV, csv_spool)
            self.add_stream(layout.ITEMS_JSONL, jsonl_spool)
            note = self.pdf_note()
            summary_html = render_summary(
                counts=dict(self.counts), total=self.done, rows=self.rows, shown_limit=SUMMARY_ROWS,
                flt=self.filter_fields(), fingerprint=self.key.public.fingerprint, zone=self.zone,
                exported_at=self.exported_at, exported_by=self.actor, version=VERSION,
                pdf_missing=self.pdf_missing, pdf_note=note)
            self.add(layout.SUMMARY_HTML, summary_html.encode("utf-8"))
            summary_pdf = printer.render(summary_html)
            if summary_pdf is not None:
                self.add(layout.SUMMARY_PDF, summary_pdf)
            note = self.pdf_note()  # the summary's own print may have failed
            self.add(layout.README, render_readme(
                fingerprint=self.key.public.fingerprint, total=self.done,
                exported_at=self.exported_at, exported_by=self.actor, version=VERSION,
                zone=self.zone, pdf_note=note).encode("utf-8"))
            for name, body in signing.key_files(self.key).items():
                self.add(name, body)
            manifest = self.manifest(head, printer.missing)
            self.archive.writestr(layout.MANIFEST, manifest)
            self.archive.writestr(*signing.signature_file(self.key, manifest))
            for name, body in timestamps.bundle_entries(manifest):  # RFC 3161 token, if configured
                self.archive.writestr(name, body)
            csv_text.detach()
        return {"items": self.done, "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
                "files": self.entries.count, "signing_key": self.key.public.fingerprint,
                "pdf": printer.missing is None}

    def pdf_note(self) -> str | None:
        if self.printer.missing is None:
            return None
        return self.gettext(N_("The PDF reports are missing ({reason}); the HTML reports hold "
                               "the same content.")).format(
                                   reason=self.printer.missing)

    def filter_fields(self) -> dict[str, Any]:
        return {**self.flt.fields(), "reviewed_only": self.flt.status is None}

    def manifest(self, head: str | None, pdf_missing: str | None) -> bytes:
        fields = {
            "pantau_version": VERSION, "exported_at": self.exported_at, "exported_by": self.actor,
            "filter": self.filter_fields(), "items": self.done, "audit_head": head,
            "layout": "pantau-bundle/2",
            "reports": {"html": True, "pdf": pdf_missing is None, "pdf_missing": pdf_missing},
            **signing.manifest_fields(self.key),
        }
        # Written straight into one buffer: the manifest (~150 bytes a file) is the one thing a
        # bundle holds whole, since Ed25519 signs the complete message; no second copy of it.
        out = io.BytesIO()
        out.write(b"{\n")
        for k, v in fields.items():
            out.write(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n".encode())
        out.write(b'  "files": {\n')
        for index, line in enumerate(self.entries.lines()):
            out.write((",\n    " if index else "    ").encode() + line.encode("utf-8"))
        out.write(b"\n  }\n}\n")
        return out.getvalue()

    # -- one folder ------------------------------------------------------------------------
    def folder(self, folder: Folder, items: Sequence[ExportItem]) -> None:
        files: list[EvidenceFile] = []
        snapshot_files: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in items:
            for ref, shot in zip(item.snapshots, item.document["snapshots"], strict=True):
                if ref.sha256 in seen:
                    continue
                seen.add(ref.sha256)
                body = blob_body(self.session, ref.sha256)
                if body is None:
                    snapshot_files.append({"snapshot_sha256": ref.sha256, "path": None,
                                           "missing": True})
                    continue
                path = f"{folder.path}/{layout.snapshot_name(ref.sha256, ref.content_type, body)}"
                digest, size = self.add(path, body)
                del body
                snapshot_files.append({"path": path, "sha256": digest, "size": size,
                                       "snapshot_sha256": ref.sha256, "url": shot["url"],
                                       "fetched_at": shot["fetched_at"],
                                       "content_type": ref.content_type})
                files.append(EvidenceFile(path, digest, size, shot["url"] or ""))
        case_json = _pretty_json({
            "format": "pantau-case/1", "folder": folder.path, "case": folder.case,
            "exported_at": self.exported_at, "exported_by": self.actor,
            "signing_key_fingerprint": self.key.public.fingerprint,
            "posts": [item.document for item in items], "evidence_files": snapshot_files,
        })
        path = f"{folder.path}/{layout.CASE_JSON}"
        digest, size = self.add(path, case_json)
        files.append(EvidenceFile(path, digest, size, self.gettext(N_("all the data of this folder"))))
        html = render_case(folder=folder.path, case=folder.case,
                           posts=[item.document for item in items], files=files,
                           fingerprint=self.key.public.fingerprint, zone=self.zone,
                           exported_at=self.exported_at, exported_by=self.actor,
                           pdf_note=self.pdf_note())
        self.add(f"{folder.path}/{layout.REPORT_HTML}", html.encode("utf-8"))
        pdf = self.printer.render(html)
        if pdf is not None:
            self.add(f"{folder.path}/{layout.REPORT_PDF}", pdf)
        else:
            self.pdf_missing += 1
        for item in items:
            document = item.document
            self.counts[document["status"]] += 1
            if len(self.rows) < SUMMARY_ROWS:
                post = document["post"]
                self.rows.append({"folder": folder.path, "status": document["status"],
                                  "category": document["category"], "region": post.get("region"),
                                  "posted_at": post.get("posted_at"),
                                  "handle": (post.get("author") or {}).get("handle")})
            self.done += 1
            self.tick(self.done, self.total)


BundleCheck = BundleVerdict  # the verdict of monitor.evidence.verify (files and signature)


def verify_bundle(path: Path, trust: Trust | None = None) -> BundleVerdict:
    """Every file listed and unchanged, nothing missing, nothing extra, the manifest signed
    (streamed: bounded memory whatever the archive claims; hostile archives refused unread)."""
    return verify_bundle_file(path, trust)


def find_export_in_audit(session: Any, manifest_sha256: str) -> AuditRecord | None:
    return find_entry(session, "export", "manifest_sha256", manifest_sha256)
