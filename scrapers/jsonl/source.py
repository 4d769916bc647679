"""JSONL file source (local path, file:// or http(s) URL), read by the interchange codec."""

from __future__ import annotations

from typing import ClassVar

from scrapers.files import FileAdapter

__all__ = ["JsonlAdapter"]


class JsonlAdapter(FileAdapter):
    type: ClassVar[str] = "jsonl"
