"""Interchange JSON Lines → records (pure); a bad line is an error naming its number."""

from __future__ import annotations

import json

from scrapers.jsonl.constants import MAX_ERRORS
from storage.records import InvalidRecord, PostRecord, record_from_dict

__all__ = ["parse_jsonl"]


def parse_jsonl(
    text: str, platform: str | None = None
) -> tuple[list[tuple[int, PostRecord]], list[str]]:
    """((line number, record) list, errors). `platform` fills lines that name none."""
    records: list[tuple[int, PostRecord]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if platform and isinstance(data, dict):
                data.setdefault("platform", platform)
            records.append((number, record_from_dict(data)))
        except (json.JSONDecodeError, InvalidRecord, RecursionError) as exc:
            if len(errors) < MAX_ERRORS:
                errors.append(f"line {number}: {exc}")
    return records, errors
