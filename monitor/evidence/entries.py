"""Reading ZIP entries in bounded memory: hashed in chunks, small ones read with a cap.

zipfile never returns more than an entry's declared size, and checks its CRC at the end; every
way the compressed data can be broken (bad CRC, invalid deflate data, truncated) comes out
here as `CorruptEntry` with a plain reason instead of a zlib traceback.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib

from monitor.evidence.text import _

__all__ = ["CHUNK", "CorruptEntry", "hash_entry", "read_capped"]

CHUNK = 1 << 20
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
           ValueError, struct.error, KeyError, IndexError)


class CorruptEntry(Exception):
    """An entry whose compressed data cannot be read back as stored."""


def hash_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[str, int]:
    """(SHA-256, size) of the entry's content, reading at most `limit` + 1 bytes."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(info) as stream:
            while size <= limit and (chunk := stream.read(CHUNK)):
                digest.update(chunk)
                size += len(chunk)
    except _BROKEN as exc:
        raise CorruptEntry(_reason(exc)) from exc
    return digest.hexdigest(), size


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The whole entry if it holds at most `limit` bytes; CorruptEntry otherwise."""
    if info.file_size > limit:
        raise CorruptEntry(_("declares {size} bytes, more than the {limit} allowed").format(
            size=info.file_size, limit=limit))
    try:
        with archive.open(info) as stream:
            body = stream.read(limit + 1)
    except _BROKEN as exc:
        raise CorruptEntry(_reason(exc)) from exc
    if len(body) > limit:
        raise CorruptEntry(_("holds more than the {limit} bytes allowed").format(limit=limit))
    return body


def _reason(exc: Exception) -> str:
    if isinstance(exc, zlib.error):
        return _("invalid compressed data ({reason})").format(reason=exc)
    if isinstance(exc, EOFError):
        return _("compressed data ends early (truncated)")
    return str(exc) or type(exc).__name__
