"""CSV → records (pure). Columns are the interchange field names; `author` (or `author_handle`,
`author_name`, ...) fill the author object; `media` is a JSON list or space-separated URLs."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from scrapers.csv.constants import AUTHOR_COLUMNS, MAX_ERRORS, MEDIA_SUFFIXES
from storage.records import InvalidRecord, PostRecord, record_from_dict

__all__ = ["parse_csv", "row_to_dict"]


def _media_kind(url: str) -> str:
    path = url.lower().split("?", 1)[0]
    return next((k for k, ends in MEDIA_SUFFIXES.items() if path.endswith(ends)), "link")


def _media(cell: str) -> Any:
    cell = cell.strip()
    if cell.startswith("["):
        return json.loads(cell)
    return [{"url": u, "type": _media_kind(u)} for u in cell.split()]


def row_to_dict(row: dict[str, str | None], platform: str | None) -> dict[str, Any]:
    """A CSV row as an interchange object (empty cells dropped)."""
    data: dict[str, Any] = {}
    author: dict[str, str] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        key = key.strip()
        if key in AUTHOR_COLUMNS:
            author[AUTHOR_COLUMNS[key]] = value
        elif key == "media":
            data["media"] = _media(value)
        else:
            data[key] = value
    if author:
        data["author"] = author
    if platform:
        data.setdefault("platform", platform)
    return data


def parse_csv(
    text: str, platform: str | None = None
) -> tuple[list[tuple[int, PostRecord]], list[str]]:
    """((line number, record) list, errors naming the line of each rejected row)."""
    records: list[tuple[int, PostRecord]] = []
    errors: list[str] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            number = reader.line_num
            try:
                records.append((number, record_from_dict(row_to_dict(row, platform))))
            except (InvalidRecord, json.JSONDecodeError) as exc:
                if len(errors) < MAX_ERRORS:
                    errors.append(f"line {number}: {exc}")
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: {exc}")
    return records, errors
