"""The one interchange codec: JSONL and CSV read the same way by import and by the sources."""

from __future__ import annotations

import io
import json

import pytest

from scrapers.csv.parse import parse_csv
from scrapers.jsonl.parse import parse_jsonl
from storage.interchange import decode_interchange, read_interchange


def outcomes(body: bytes, fmt: str) -> list[tuple[int, str | None, str | None]]:
    """(line, external_id or None, error or None) for every line, via `pantau import`'s reader."""
    return [(r.line, r.record.external_id if r.record else None, r.error)
            for r in read_interchange(io.BytesIO(body), fmt=fmt)]


def adapter_outcomes(body: bytes, fmt: str) -> tuple[list[tuple[int, str]], list[str]]:
    parse = parse_csv if fmt == "csv" else parse_jsonl
    records, errors = parse(body)
    return [(line, record.external_id) for line, record in records], errors


def line(**fields: object) -> bytes:
    return json.dumps({"platform": "x", "text": "teks", **fields}, ensure_ascii=False).encode() + b"\n"


def test_a_line_separator_inside_a_json_string_is_text_not_a_line_break() -> None:
    body = line(external_id="a", text="baris\u2028dua\u0085tiga") + line(external_id="b") + b"{bad\n"
    assert outcomes(body, "jsonl")[:2] == [(1, "a", None), (2, "b", None)]
    records, errors = parse_jsonl(body)
    assert [(n, r.external_id) for n, r in records] == [(1, "a"), (2, "b")]
    assert records[0][1].text == "baris\u2028dua\u0085tiga"
    assert errors[0].startswith("line 3: invalid JSON")


def test_a_csv_field_longer_than_the_csv_module_default_keeps_the_later_rows() -> None:
    long_text = "kampanye " * 20_000  # 180,000 characters > csv's default 131,072
    body = (f"platform,external_id,text\nx,1,\"{long_text}\"\nx,2,sesudahnya\nx,3,juga\n").encode()
    assert [o[1] for o in outcomes(body, "csv")] == ["1", "2", "3"]
    kept, errors = adapter_outcomes(body, "csv")
    assert [k[1] for k in kept] == ["1", "2", "3"] and errors == []


CSV_CASES = (
    b"platform,external_id,text,author,author.name,media,label\n"
    b"x,1,ok,budi,Budi,https://v.id/a.mp4,1\n"
    b"x,2,caf\xe9 latin-1,,,,\n"                       # invalid UTF-8: rejected, never U+FFFD
    b"x,3,,,,,\n"                                     # empty text without media
    b"x,4,halo,,,\"[{\"\"url\"\": \"\"https://a/b.jpg\"\", \"\"type\"\": \"\"image\"\"}]\",\n"
    b"x,5,halo,,,\"" + b"[" * 1000 + b"]" * 1000 + b"\",\n"   # media nested 1,000 deep
    b"x,6,halo,,,,\" 0 \"\n"                          # a label with spaces
    b"x,7,halo,,,,,extra cell\n"                      # more cells than the header
)


def test_import_and_the_csv_source_accept_and_reject_the_same_rows() -> None:
    imported = outcomes(CSV_CASES, "csv")
    kept, errors = adapter_outcomes(CSV_CASES, "csv")
    assert [(n, e) for n, e, err in imported if e] == kept == [(2, "1"), (5, "4"), (7, "6")]
    assert [f"line {n}: {err}" for n, e, err in imported if not e] == errors
    assert errors == ["line 3: text is not valid UTF-8 (an unpaired surrogate)",
                      "line 4: text may be empty only when media is present",
                      "line 6: media[0] must be an object",
                      "line 8: more cells than columns in the header"]


def test_the_csv_source_takes_the_same_author_and_media_columns_as_import() -> None:
    [result] = list(decode_interchange(CSV_CASES.split(b"\n", 2)[0] + b"\n" + CSV_CASES.split(b"\n")[1],
                                       fmt="csv"))
    assert result.record is not None
    assert (result.record.author.handle, result.record.author.name) == ("budi", "Budi")
    assert result.record.media[0].type == "video" and result.record.label == 1


@pytest.mark.parametrize(("raw", "reason"), [
    (b'{"platform": "x", "external_id": "n", "text": "t", "v": 1e400}', "not a finite number"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "v": NaN}', "invalid JSON"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "v": Infinity}', "invalid JSON"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "v": ' + b"9" * 5000 + b"}", "invalid JSON"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "v": ' + b"[" * 1000 + b"]" * 1000 + b"}", "nested"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "\\ud800": 1}', "unpaired surrogate"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "media": [{"url": "\\udfff"}]}', "unpaired surrogate"),
    (b'{"platform": "x", "external_id": "n", "text": "t", "author": {"name": "a\\u0000b"}}', None),
    (b'\xff{"platform": "x"}', "not valid UTF-8"),
])
def test_hostile_jsonl_lines_are_rejected_with_a_reason(raw: bytes, reason: str | None) -> None:
    body = raw + b"\n" + line(external_id="ok")
    first, second = list(read_interchange(io.BytesIO(body), fmt="jsonl"))
    assert second.record is not None and second.line == 2
    if reason is None:
        assert first.record is not None  # a NUL in a name is text: kept (the author key drops it)
    else:
        assert first.record is None and reason in (first.error or "")
    kept, _errors = adapter_outcomes(body, "jsonl")
    assert [k[1] for k in kept] == (["n", "ok"] if reason is None else ["ok"])


def test_long_numbers_stay_exact() -> None:
    big = 123456789012345678901234567890
    [result] = list(read_interchange(io.BytesIO(
        b'{"platform": "x", "external_id": %d, "text": "t", "n": %d}\n' % (big, big)), fmt="jsonl"))
    assert result.record is not None
    assert result.record.external_id == str(big) and result.record.extra["n"] == big


def test_a_platform_option_fills_lines_that_name_none() -> None:
    body = b'{"external_id": 1, "text": "t"}\n'
    [result] = list(decode_interchange(body, fmt="jsonl", platform="tiktok"))
    assert result.record is not None and result.record.platform == "tiktok"
