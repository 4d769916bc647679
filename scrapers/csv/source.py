"""CSV file source (local path, file:// or http(s) URL)."""

from __future__ import annotations

from typing import ClassVar

from scrapers.csv.parse import parse_csv
from scrapers.files import FileAdapter, LineParser

__all__ = ["CsvAdapter"]


class CsvAdapter(FileAdapter):
    type: ClassVar[str] = "csv"
    parser: ClassVar[LineParser] = parse_csv
