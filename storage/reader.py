"""Streaming readers for interchange files (JSON Lines and CSV), line by line, constant memory.

A bad line never stops a read: it comes out as a `LineResult` with its line number and reason,
and the caller reports it while the good lines go on.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator

from storage.records import InvalidRecord, PostRecord, record_from_dict

__all__ = ["LineResult", "read_jsonl", "read_csv", "read_interchange", "sniff_format"]

MAX_LINE_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class LineResult:
    line: int
    record: PostRecord | None
    raw: dict[str, Any] | None = None
    error: str | None = None


def _decode(raw_line: bytes | str) -> str:
    if isinstance(raw_line, str):
        return raw_line
    return raw_line.decode("utf-8")


def read_jsonl(lines: Iterable[bytes | str]) -> Iterator[LineResult]:
    for number, raw_line in enumerate(lines, start=1):
        try:
            if len(raw_line) > MAX_LINE_BYTES:
                raise InvalidRecord(f"line longer than {MAX_LINE_BYTES} bytes")
            text = _decode(raw_line)
            if number == 1:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            data = json.loads(text)
            yield LineResult(number, record_from_dict(data), data)
        except UnicodeDecodeError as exc:
            yield LineResult(number, None, error=f"not valid UTF-8 at byte {exc.start}")
        except json.JSONDecodeError as exc:
            yield LineResult(number, None, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
        except RecursionError:
            yield LineResult(number, None, error="invalid JSON: nested too deeply")
        except InvalidRecord as exc:
            yield LineResult(number, None, error=str(exc))
        except ValueError as exc:  # e.g. an integer beyond Python's digit limit
            yield LineResult(number, None, error=f"invalid JSON: {exc}")


_AUTHOR_COLUMNS = ("handle", "name", "bio", "url")


def _csv_row_to_object(row: dict[str, str | None]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    author: dict[str, str] = {}
    for column, value in row.items():
        if column is None:
            raise InvalidRecord("more cells than columns in the header")
        key = column.strip()
        if key == "text" and value == "":
            data["text"] = ""
        if value is None or value == "":
            continue
        for prefix in ("author.", "author_"):
            if key.startswith(prefix) and key[len(prefix):] in _AUTHOR_COLUMNS:
                author[key[len(prefix):]] = value
                break
        else:
            if key == "media":
                try:
                    data["media"] = json.loads(value)
                except json.JSONDecodeError:
                    raise InvalidRecord("media cell must be a JSON list") from None
            elif key == "label":
                data["label"] = value.strip()
            else:
                data[key] = value
    if author:
        data["author"] = author
    return data


def read_csv(stream: IO[str]) -> Iterator[LineResult]:
    reader = csv.DictReader(stream)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield LineResult(reader.line_num, None, error=f"invalid CSV: {exc}")
            continue
        line = reader.line_num  # where the row ends (a quoted cell may span lines)
        try:
            data = _csv_row_to_object(row)
            yield LineResult(line, record_from_dict(data), data)
        except InvalidRecord as exc:
            yield LineResult(line, None, error=str(exc))


def sniff_format(name: str, head: bytes) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


def read_interchange(stream: IO[bytes], *, name: str = "", fmt: str | None = None) -> Iterator[LineResult]:
    """Read a binary stream as JSONL or CSV (sniffed from the name or first bytes)."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
    fmt = fmt or sniff_format(name, buffered.peek(64)[:64])
    if fmt == "csv":
        # Invalid bytes become lone surrogates, which record validation rejects per row.
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield from read_csv(text)
    else:
        yield from read_jsonl(buffered)
