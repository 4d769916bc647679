"""Deprecated name of the interchange codec: use `storage.interchange` (kept so callers that
still import `storage.reader` work until they are moved; nothing here but the re-export)."""

from storage.interchange import (
    MAX_LINE_BYTES,
    LineResult,
    decode_interchange,
    read_csv,
    read_interchange,
    read_jsonl,
    sniff_format,
)

__all__ = [
    "MAX_LINE_BYTES",
    "LineResult",
    "decode_interchange",
    "read_csv",
    "read_interchange",
    "read_jsonl",
    "sniff_format",
]
