"""Hand-written ZIP files: what an attacker can put in the directory that zipfile would not write.

Each entry's central-directory record is written from its fields as given (declared sizes, name,
mode bits, flags, offset), so tests and the bench can build zip bombs, symlinks, `../` names,
duplicates, overlapping entries and lying sizes byte for byte. Used by tests/monitor/evidence and
bench/verify_bench.py.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

STORED, DEFLATED = 0, 8
REGULAR = 0o100644 << 16
SYMLINK = 0o120777 << 16
_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final, empty fixed-Huffman deflate block


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes  # as stored in the archive (compressed for DEFLATED)
    file_size: int  # declared uncompressed size (central directory and local header)
    crc: int
    method: int = DEFLATED
    external_attr: int = REGULAR
    flags: int = 0
    share_offset_of: int | None = None  # index of an earlier entry whose local header to reuse


def deflated(name: str, content: bytes, **changes: object) -> Entry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return replace(Entry(name, data, len(content), zlib.crc32(content)), **changes)  # type: ignore[arg-type]


def stored(name: str, content: bytes, **changes: object) -> Entry:
    entry = Entry(name, content, len(content), zlib.crc32(content), method=STORED)
    return replace(entry, **changes)  # type: ignore[arg-type]


def zeros_bomb(name: str, size: int, block: int = 1 << 24, with_crc: bool = False) -> Entry:
    """`size` zero bytes (a multiple of `block`) in about size/1000 compressed bytes: blocks
    compressed once with a full flush (self-contained) and repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(bytes(block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // block
    crc = 0
    if with_crc:
        zero_block = bytes(block)
        for _ in range(count):
            crc = zlib.crc32(zero_block, crc)
    return Entry(name, piece * count + _FINAL_EMPTY_BLOCK, count * block, crc)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    body, offsets = bytearray(), []
    for entry in entries:
        if entry.share_offset_of is not None:
            offsets.append(offsets[entry.share_offset_of])
            continue
        offsets.append(len(body))
        name = entry.name.encode("utf-8")
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, entry.flags | 0x800, entry.method, 0,
                            0x21, entry.crc, len(entry.data), entry.file_size, len(name), 0)
        body += name + entry.data
    directory = bytearray()
    for entry, offset in zip(entries, offsets, strict=True):
        name = entry.name.encode("utf-8")
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, entry.flags | 0x800,
                                 entry.method, 0, 0x21, entry.crc, len(entry.data), entry.file_size,
                                 len(name), 0, 0, 0, 0, entry.external_attr, offset)
        directory += name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory),
                      len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def manifest_for(files: dict[str, bytes], **overrides: dict[str, int | str]) -> bytes:
    """A manifest listing `files` truthfully, except the entries given in `overrides`."""
    listed = {name: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
              for name, body in files.items()}
    listed.update(overrides)
    return json.dumps({"items": 1, "files": listed}).encode()
