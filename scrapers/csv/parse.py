"""CSV → records (pure), through the one interchange codec (storage/interchange.py): columns are
the interchange field names; `author` (or `author_handle`, `author.name`, ...) fill the author
object; `media` is a JSON list or space-separated URLs."""

from __future__ import annotations

from scrapers.files import parse_file
from storage.records import PostRecord

__all__ = ["parse_csv"]


def parse_csv(
    body: bytes | str, platform: str | None = None
) -> tuple[list[tuple[int, PostRecord]], list[str]]:
    """((line number, record) list, errors naming the line of each rejected row)."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    parsed = parse_file(data, "csv", platform)
    return parsed.records, parsed.errors
