"""JSON Lines file source (local path, file:// or http(s) URL)."""

from __future__ import annotations

from typing import ClassVar

from scrapers.jsonl.parse import parse_jsonl
from scrapers.files import FileAdapter, LineParser

__all__ = ["JsonlAdapter"]


class JsonlAdapter(FileAdapter):
    type: ClassVar[str] = "jsonl"
    parser: ClassVar[LineParser] = parse_jsonl
