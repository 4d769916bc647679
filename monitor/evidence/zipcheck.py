"""Screening a ZIP from the central directory alone, before a single entry is decompressed.

A bundle handed to `pantau verify` may come from anyone. These checks refuse what an extractor
could be tricked by (paths out of the folder, symlinks, device files, names that collide) and
what a reader could be exhausted by (zip bombs: huge declared sizes, bomb-like compression
ratios, entries overlapping each other's data, sizes beyond the archive's own length).
"""

from __future__ import annotations

import itertools
import re
import stat
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from monitor.evidence.text import _

__all__ = ["ZipLimits", "directory_problem", "screen", "shown"]

_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = 30  # fixed part of a local file header, before its name and extra field
_ALLOWED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_TAIL = 22 + 65535 + 20  # end record, its longest comment, the ZIP64 locator before it


@dataclass(frozen=True)
class ZipLimits:
    """What a bundle may look like. Deflate's best ratio on real text is ~10-20:1 (at most
    ~1032:1 on one repeated byte), so 200:1 above 1 MiB is a bomb, not a bundle."""

    max_entries: int = 500_000
    max_directory_bytes: int = 128 << 20
    max_ratio: float = 200.0
    ratio_floor: int = 1 << 20
    max_manifest_bytes: int = 64 << 20


def shown(name: str) -> str:
    """A hostile name made safe to print (no terminal escapes, no hidden characters)."""
    return name if name.isprintable() else ascii(name)


def directory_problem(path: Path, limits: ZipLimits) -> str | None:
    """Refuse an oversized central directory from its end record, before zipfile loads it
    (zipfile keeps one ZipInfo per entry in memory). None when fine or for zipfile to judge."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - _TAIL))
            tail = handle.read()
            entries, directory = _directory_size(handle, tail, size - len(tail))
    except (OSError, struct.error):
        return None
    if entries > limits.max_entries or directory > limits.max_directory_bytes:
        return _("hostile archive: {count} entries in a {size}-byte directory (at most {limit} "
                 "entries)").format(count=entries, size=directory, limit=limits.max_entries)
    return None


def _directory_size(handle: BinaryIO, tail: bytes, tail_at: int) -> tuple[int, int]:
    """(entries, directory bytes) from the end record (ZIP64's when present); (0, 0) if none."""
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return 0, 0
    entries, directory = struct.unpack_from("<HI", tail, end + 10)
    locator = end - 20
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries, directory = struct.unpack_from("<QQ", record, 32)
    return entries, directory


def screen(archive: zipfile.ZipFile, archive_size: int, limits: ZipLimits) -> list[str]:
    """Every reason to refuse this archive unread; empty when it may be read."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        return [_("hostile archive: {count} entries (at most {limit})").format(
            count=len(infos), limit=limits.max_entries)]
    problems = [p for info in infos for p in _entry_problems(info, archive_size, limits)]
    return problems + _duplicates(infos) + _overlaps(infos)


def _entry_problems(info: zipfile.ZipInfo, archive_size: int, limits: ZipLimits) -> list[str]:
    name, problems = shown(info.filename), []
    if (path_problem := _path_problem(info.filename)) is not None:
        problems.append(_("hostile archive: {name}: {problem}").format(name=name,
                                                                       problem=path_problem))
    if (kind := _special_kind(info)) is not None:
        problems.append(_("hostile archive: {name} is a {kind}").format(name=name, kind=kind))
    if info.flag_bits & 0x1:
        problems.append(_("hostile archive: {name} is encrypted").format(name=name))
    if info.compress_type not in _ALLOWED_METHODS:
        problems.append(_("hostile archive: {name} uses compression method {method} (only "
                          "stored and deflated are accepted)").format(
                              name=name, method=info.compress_type))
    if info.header_offset + info.compress_size > archive_size:
        problems.append(_("hostile archive: {name} declares {size} compressed bytes, beyond the "
                          "end of the {archive}-byte archive").format(
                              name=name, size=info.compress_size, archive=archive_size))
    if _bomb_like(info, limits):
        problems.append(_("hostile archive: {name} declares {size} bytes from {compressed} "
                          "compressed (a zip bomb's ratio)").format(
                              name=name, size=info.file_size, compressed=info.compress_size))
    return problems


def _path_problem(name: str) -> str | None:
    if not name or "\x00" in name:
        return _("empty name or a NUL character in it")
    if "\\" in name:
        return _("backslash in the path")
    if name.startswith("/") or _DRIVE.match(name):
        return _("absolute path")
    if ".." in name.split("/"):
        return _("path leaves the folder (..)")
    return None


def _special_kind(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind in (0, stat.S_IFREG, stat.S_IFDIR):
        return None
    if kind == stat.S_IFLNK:
        return _("symbolic link")
    return _("special file (mode {mode})").format(mode=f"{mode:o}")


def _bomb_like(info: zipfile.ZipInfo, limits: ZipLimits) -> bool:
    if info.file_size <= limits.ratio_floor:
        return False
    return info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio


def _duplicates(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Exact duplicates, and names that collide once extracted on a case-insensitive disk."""
    seen: dict[str, str] = {}
    problems = []
    for info in infos:
        key = unicodedata.normalize("NFC", info.filename).casefold()
        if key in seen:
            kind = (_("duplicate name") if seen[key] == info.filename
                    else _("names colliding by case"))
            problems.append(_("hostile archive: {kind}: {name}").format(
                kind=kind, name=shown(info.filename)))
        seen.setdefault(key, info.filename)
    return problems


def _overlaps(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Entries sharing compressed data (the overlapping-file zip bomb) or nested in another."""
    ordered = sorted(infos, key=lambda i: i.header_offset)
    problems = []
    for before, after in itertools.pairwise(ordered):
        if after.header_offset < before.header_offset + _LOCAL_HEADER + before.compress_size:
            problems.append(_("hostile archive: {name} overlaps the data of {other}").format(
                name=shown(after.filename), other=shown(before.filename)))
    return problems
