"""JSON Lines file source (local path, file:// or http(s) URL)."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from scrapers.base import FetchResult, SourceConfig
from scrapers.client import PoliteClient
from scrapers.files import fetch_file
from scrapers.jsonl.parse import parse_jsonl

__all__ = ["JsonlAdapter"]


class JsonlAdapter:
    type: ClassVar[str] = "jsonl"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        return await fetch_file(source, cursor, client, parse_jsonl)
