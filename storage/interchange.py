"""The interchange codec (docs/interchange.md): JSON Lines and CSV → validated records, streaming.

The one reader of the format: `pantau import`, `classify`, `evaluate`, `train --data` and the
`jsonl`/`csv` source adapters all come through `read_interchange` (a binary stream) or
`decode_interchange` (bytes in memory), so the same file is accepted or rejected identically
everywhere. A bad line never stops a read: it comes out as a `LineResult` with its line number
and reason, and the caller reports it while the good lines go on. Memory stays constant.

JSON Lines are split on b"\\n" only (a U+2028 or U+0085 inside a JSON string is text, not a line
break), decoded with orjson, and re-decoded with the standard library when orjson refuses a
line (for the reference error message) or when a line holds a long digit run (orjson turns
integers beyond 64 bits into floats; the standard library keeps them exact).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from storage.errors import N_, Message
from storage.records import InvalidRecord, PostRecord, record_from_dict

__all__ = [
    "CSV_TYPE",
    "JSONL_TYPE",
    "MAX_LINE_BYTES",
    "LineResult",
    "csv_row_to_object",
    "decode_interchange",
    "read_csv",
    "read_interchange",
    "read_jsonl",
    "sniff_format",
]

MAX_LINE_BYTES = 5_000_000
# The csv module refuses fields over 131,072 characters by default (and the adapter used to drop
# every later row). A line of the interchange may be MAX_LINE_BYTES long, so a field may too; the
# limit stays bounded so a runaway quote cannot swallow an unbounded file into one field.
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))

JSONL_TYPE = "application/x-ndjson"
CSV_TYPE = "text/csv"
_LONG_NUMBER = re.compile(rb"\d{19}")
_BOM = b"\xef\xbb\xbf"
_AUTHOR_PARTS = ("handle", "name", "bio", "url")
_AUTHOR_COLUMNS = {"author": "handle"} | {
    f"author{sep}{part}": part for part in _AUTHOR_PARTS for sep in (".", "_")}
_MEDIA_SUFFIXES = {
    "image": (".jpg", ".jpeg", ".png", ".gif", ".webp"),
    "video": (".mp4", ".webm", ".mov"),
    "audio": (".mp3", ".ogg", ".m4a"),
}


@dataclass(frozen=True, slots=True)
class LineResult:
    """One line (JSONL) or row (CSV; `line` is where it ends): a record, or the reason why not."""

    line: int
    record: PostRecord | None
    raw: dict[str, Any] | None = None
    error: str | None = None
    checked: bool = False  # the record went through record_from_dict (the storage checks)
    original: bytes | None = None  # the line's bytes exactly as read (the post's raw evidence)
    original_type: str | None = None  # their content type (JSONL_TYPE or CSV_TYPE)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _stdlib_loads(raw: bytes | str) -> Any:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return json.loads(text, parse_constant=_refuse_constant)


def loads(raw: bytes | str) -> Any:
    """JSON text → value, exact: orjson when it is safe, else the standard library."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if not _LONG_NUMBER.search(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # the standard library gives the reference reason (or keeps what orjson won't)
    return _stdlib_loads(data)


def _line_error(exc: Exception) -> str:
    """Why a line is refused, as a `Message` (English; the CLI translates it where it reports
    the line — the JSON parser's own reason stays English)."""
    if isinstance(exc, UnicodeDecodeError):
        return Message(N_("not valid UTF-8 at byte {byte}"), byte=exc.start)
    if isinstance(exc, json.JSONDecodeError):
        return Message(N_("invalid JSON: {reason} (column {column})"), reason=exc.msg,
                       column=exc.colno)
    if isinstance(exc, RecursionError):
        return Message(N_("invalid JSON: nested too deeply"))
    if isinstance(exc, InvalidRecord):
        return exc.text
    # ValueError: an integer beyond Python's digit limit, NaN
    return Message(N_("invalid JSON: {reason}"), reason=str(exc))


def _with_platform(data: Any, platform: str | None) -> Any:
    if platform and isinstance(data, dict):
        data.setdefault("platform", platform)
    return data


def _jsonl_line(number: int, raw: bytes, platform: str | None) -> LineResult | None:
    original = raw
    try:
        if len(raw) > MAX_LINE_BYTES:
            raise InvalidRecord(N_("line longer than {count} bytes"), count=MAX_LINE_BYTES)
        if number == 1:
            raw = raw.removeprefix(_BOM)
        if not raw.strip():
            return None
        data = _with_platform(loads(raw), platform)
        return LineResult(number, record_from_dict(data), data, checked=True,
                          original=original, original_type=JSONL_TYPE)
    except (InvalidRecord, ValueError, RecursionError) as exc:  # JSON and UTF-8 errors included
        return LineResult(number, None, error=_line_error(exc))


def read_jsonl(lines: Iterable[bytes | str], *, platform: str | None = None) -> Iterator[LineResult]:
    """Interchange JSON Lines; `platform` fills objects that name none."""
    for number, raw_line in enumerate(lines, start=1):
        raw = raw_line.encode("utf-8", "surrogatepass") if isinstance(raw_line, str) else raw_line
        result = _jsonl_line(number, raw, platform)
        if result is not None:
            yield result


def _media_kind(url: str) -> str:
    path = url.lower().split("?", 1)[0]
    return next((kind for kind, ends in _MEDIA_SUFFIXES.items() if path.endswith(ends)), "link")


def _media_cell(value: str) -> Any:
    cell = value.strip()
    if not cell.startswith("["):
        return [{"url": url, "type": _media_kind(url)} for url in cell.split()]
    try:
        return loads(cell)
    except (ValueError, RecursionError):
        raise InvalidRecord(N_("media cell must be a JSON list or space-separated URLs")) from None


def csv_row_to_object(row: dict[str | None, str | None], platform: str | None = None) -> dict[str, Any]:
    """A CSV row as an interchange object: empty cells dropped (an empty `text` kept), author
    columns (`author`, `author.handle`/`author_handle`, …) gathered, `media` decoded."""
    data: dict[str, Any] = {}
    author: dict[str, str] = {}
    for column, value in row.items():
        if column is None:
            raise InvalidRecord(N_("more cells than columns in the header"))
        key = column.strip()
        if key == "text" and value == "":
            data["text"] = ""
        if value is None or value == "":
            continue
        if key in _AUTHOR_COLUMNS:
            author[_AUTHOR_COLUMNS[key]] = value
        elif key == "media":
            data["media"] = _media_cell(value)
        else:
            data[key] = value.strip() if key == "label" else value
    if author:
        data["author"] = author
    if platform:
        data.setdefault("platform", platform)
    return data


class _Taken:
    """The lines a csv reader takes from its stream, so each row's own text can be kept."""

    def __init__(self, stream: Iterable[str]) -> None:
        self.stream = iter(stream)
        self.taken: list[str] = []

    def __iter__(self) -> _Taken:
        return self

    def __next__(self) -> str:
        line = next(self.stream)
        self.taken.append(line)
        return line

    def drain(self) -> str:
        text = "".join(self.taken)
        self.taken.clear()
        return text


def _csv_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def read_csv(stream: IO[str], *, platform: str | None = None) -> Iterator[LineResult]:
    """Interchange CSV (RFC 4180, header row with the interchange column names). Each row's
    `original` is the header line and the row's own lines, as read (a CSV file of one row)."""
    taken = _Taken(stream)
    reader = csv.DictReader(taken)
    try:
        _ = reader.fieldnames
    except csv.Error as exc:
        yield LineResult(reader.line_num, None,
                         error=Message(N_("invalid CSV: {reason}"), reason=str(exc)))
    header = taken.drain()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            taken.drain()
            yield LineResult(reader.line_num, None,
                             error=Message(N_("invalid CSV: {reason}"), reason=str(exc)))
            continue
        line = reader.line_num  # where the row ends (a quoted cell may span lines)
        original = header + taken.drain()
        try:
            data = csv_row_to_object(row, platform)
            try:
                raw = _csv_bytes(original)
            except UnicodeEncodeError:  # a str stream holding lone surrogates of its own
                raw = None
            yield LineResult(line, record_from_dict(data), data, checked=True,
                             original=raw, original_type=CSV_TYPE if raw is not None else None)
        except InvalidRecord as exc:
            yield LineResult(line, None, error=exc.text)


def sniff_format(name: str, head: bytes) -> str:
    """`csv` or `jsonl`, from the file name, else from the first bytes."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


def read_interchange(
    stream: IO[bytes], *, name: str = "", fmt: str | None = None, platform: str | None = None,
) -> Iterator[LineResult]:
    """Read a binary stream as JSONL or CSV (`fmt`, else sniffed from the name or first bytes)."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[type-var]
    fmt = fmt or sniff_format(name, buffered.peek(64)[:64])
    if fmt == "csv":
        # Invalid bytes become lone surrogates, which record validation rejects per row.
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield from read_csv(text, platform=platform)
    else:
        yield from read_jsonl(buffered, platform=platform)


def decode_interchange(
    body: bytes, *, name: str = "", fmt: str | None = None, platform: str | None = None,
) -> Iterator[LineResult]:
    """`read_interchange` over bytes already in memory (a fetched file)."""
    return read_interchange(io.BytesIO(body), name=name, fmt=fmt, platform=platform)
