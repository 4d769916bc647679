"""A ZIP writer whose per-entry records wait on disk, not in memory.

zipfile keeps a ZipInfo for every entry written, only to write the central directory when the
archive closes: a bundle of a million posts (several entries each) would hold millions of them.
Here the records are appended to a temporary file as each entry is finished and read back one
at a time for the central directory, so writing a bundle takes the same memory at 10,000
entries as at 10,000,000. Names are not remembered either: the bundle writer makes each name
once (folders per case or post, snapshots by their SHA-256), and `pantau verify` refuses an
archive with a duplicate name.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["SpooledZipFile"]

_FIELDS = ("date_time", "compress_type", "create_system", "create_version", "extract_version",
           "reserved", "flag_bits", "internal_attr", "external_attr", "header_offset", "CRC",
           "compress_size", "file_size")


class _SpooledInfos:
    """The append-only list of ZipInfo zipfile needs for its central directory, on disk."""

    def __init__(self) -> None:
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        record = {name: getattr(info, name) for name in _FIELDS}
        record |= {"filename": info.filename, "extra": info.extra.hex(),
                   "comment": info.comment.hex()}
        self._file.seek(0, 2)
        self._file.write(json.dumps(record) + "\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        self._file.seek(0)
        for line in self._file:
            record = json.loads(line)
            info = zipfile.ZipInfo(record["filename"], tuple(record["date_time"]))
            for name in _FIELDS[1:]:
                setattr(info, name, record[name])
            info.extra = bytes.fromhex(record["extra"])
            info.comment = bytes.fromhex(record["comment"])
            yield info

    def close(self) -> None:
        self._file.close()


class _Forgotten(dict[str, Any]):
    """zipfile's name → ZipInfo map, kept empty (see the module docstring)."""

    def __setitem__(self, key: str, value: Any) -> None:
        return None


class SpooledZipFile(zipfile.ZipFile):
    """`zipfile.ZipFile` writing a new archive (mode "w" only), its entry records spooled to disk."""

    def __init__(self, file: Any, *, compression: int = zipfile.ZIP_STORED,
                 allowZip64: bool = True) -> None:  # noqa: N803 — zipfile's own name
        super().__init__(file, "w", compression=compression, allowZip64=allowZip64)
        self.filelist: Any = _SpooledInfos()
        self.NameToInfo: Any = _Forgotten()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if isinstance(self.filelist, _SpooledInfos):
                self.filelist.close()
