"""Interchange JSON Lines → records (pure), through the one interchange codec
(storage/interchange.py); a bad line is an error naming its number."""

from __future__ import annotations

from scrapers.files import parse_file
from storage.records import PostRecord

__all__ = ["parse_jsonl"]


def parse_jsonl(
    body: bytes | str, platform: str | None = None
) -> tuple[list[tuple[int, PostRecord]], list[str]]:
    """((line number, record) list, errors). `platform` fills lines that name none."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    parsed = parse_file(data, "jsonl", platform)
    return parsed.records, parsed.errors
