"""CSV file source (local path, file:// or http(s) URL)."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from scrapers.base import FetchResult, SourceConfig
from scrapers.client import PoliteClient
from scrapers.csv.parse import parse_csv
from scrapers.files import fetch_file

__all__ = ["CsvAdapter"]


class CsvAdapter:
    type: ClassVar[str] = "csv"

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult:
        return await fetch_file(source, cursor, client, parse_csv)
