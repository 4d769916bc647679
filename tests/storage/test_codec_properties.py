"""Property tests: arbitrary Unicode through the codec, the record checks and the database never
raises anything but the documented rejection (`InvalidRecord`, or a LineResult with a reason),
and whatever is accepted is stored and read back exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.pipeline import Item, ingest_items
from scrapers.csv.parse import parse_csv
from scrapers.jsonl.parse import parse_jsonl
from storage.db import Database
from storage.interchange import read_interchange
from storage.records import (
    Author,
    InvalidRecord,
    Media,
    PostRecord,
    record_from_dict,
    record_to_dict,
)
from storage.scoring import unscored_posts
from storage.validation import check_record

# Examples per property: modest by default (the suite runs on 2 busy cores); raise it for a deep
# run, e.g. PANTAU_HYPOTHESIS_EXAMPLES=2000.
EXAMPLES = int(os.environ.get("PANTAU_HYPOTHESIS_EXAMPLES", "100"))

# The 128 characters with isdigit() but not isdecimal() (superscripts, circled digits, Ethiopic…)
DIGITISH = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdigit() and not chr(c).isdecimal()]
assert len(DIGITISH) == 128
SPECIAL = DIGITISH + [
    "\u0301", "\u0338", "\u20dd",                     # combining marks
    "\u202e", "\u200f", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",  # RTL override, Arabic
    "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\u200d", "\ufe0f",  # ZWJ emoji
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\U0010ffff",
    "\ud800", "\udfff", "\udc80",                     # lone surrogates
    "٣", "³", "①", "፩",
]
any_char = st.one_of(st.characters(blacklist_categories=()), st.sampled_from(SPECIAL))


def texts(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    """Arbitrary code points (surrogates included) mixed with the special pieces above."""
    return st.lists(any_char, min_size=min_size, max_size=max_size).map("".join)


small_text = texts()
big_text = st.builds(lambda c, n: c * n, st.sampled_from(["a", "³", "\u2028", "é", "\x00"]),
                     st.sampled_from([10_000, 1_000_000]))
hostile_text = st.one_of(*([small_text] * 6), big_text)  # a 1 MB text in about one draw of seven
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), small_text,
                      st.integers(min_value=10 ** 30, max_value=10 ** 30 + 5))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(small_text, inner, max_size=3)), max_leaves=8)

FIELDS = {
    "platform": st.one_of(st.sampled_from(["x", "rss", "telegram"]), small_text),
    "external_id": st.one_of(small_text, st.integers(), texts(490, 510)),
    "text": hostile_text,
    "url": st.one_of(st.none(), small_text),
    "author": st.one_of(st.none(), st.dictionaries(
        st.sampled_from(["handle", "name", "bio", "url"]), st.one_of(small_text, st.integers()))),
    "posted_at": st.one_of(st.none(), small_text, st.sampled_from(
        ["2024-11-20T10:00:00+08:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])),
    "media": st.one_of(st.none(), st.lists(st.fixed_dictionaries(
        {"url": small_text}, optional={"type": st.sampled_from(["image", "video", "gif"])}), max_size=2)),
    "region": st.one_of(st.none(), small_text),
    "label": st.one_of(st.none(), st.sampled_from([0, 1, "1", 2, True])),
    "category": st.one_of(st.none(), small_text),
}
EXTRA = {"views": json_value, "extra_map": json_value, "\udc80": json_value}
# Half of the objects carry the required fields (so the deep checks are reached), half anything.
objects = st.one_of(
    st.fixed_dictionaries({}, optional={**FIELDS, **EXTRA}),
    st.fixed_dictionaries(
        {"platform": st.sampled_from(["x", "rss", "telegram"]), "external_id": FIELDS["external_id"],
         "text": hostile_text},
        optional={k: v for k, v in {**FIELDS, **EXTRA}.items() if k not in ("platform", "external_id", "text")}))


def _storable(record: PostRecord) -> None:
    """What an accepted record must be: encodable, finite, and round-tripping through §1."""
    out = record_to_dict(record)
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")
    again = record_from_dict(json.loads(text))
    assert (again.platform, again.external_id, again.text) == (record.platform, record.external_id, record.text)


@settings(max_examples=EXAMPLES, deadline=None)
@given(objects)
def test_record_from_dict_accepts_only_what_it_can_store(data: dict[str, Any]) -> None:
    try:
        record = record_from_dict(data)
    except InvalidRecord:
        return
    _storable(record)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.one_of(objects.map(lambda d: json.dumps(d).encode()), st.binary(max_size=60)),
                max_size=6))
def test_jsonl_lines_come_out_as_records_or_reasons(lines: list[bytes]) -> None:
    body = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    results = list(read_interchange(io.BytesIO(body), fmt="jsonl"))
    for result in results:
        assert (result.record is None) != (result.error is None)
        if result.record is not None:
            _storable(result.record)
    kept, errors = parse_jsonl(body)
    assert [(r.line, r.record) for r in results if r.record] == kept
    assert len(errors) == sum(1 for r in results if r.error)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.fixed_dictionaries({"platform": FIELDS["platform"], "external_id": small_text,
                                       "text": hostile_text, "author.name": small_text,
                                       "media": st.sampled_from(["", "https://a/b.jpg", "[" * 200, "[{}]"])}),
                min_size=1, max_size=4))
def test_csv_is_read_the_same_by_import_and_by_the_source(rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    body = buffer.getvalue().encode("utf-8", "surrogatepass")  # lone surrogates → invalid UTF-8
    results = list(read_interchange(io.BytesIO(body), fmt="csv"))
    kept, errors = parse_csv(body)
    assert [(r.line, r.record) for r in results if r.record] == kept
    assert [f"line {r.line}: {r.error}" for r in results if r.error] == errors
    for result in results:
        if result.record is not None:
            assert "\ufffd" not in result.record.text or "\ufffd" in body.decode("utf-8", "replace")
            _storable(result.record)


records = st.builds(
    PostRecord, platform=FIELDS["platform"], external_id=st.one_of(small_text, texts(495, 505)),
    text=hostile_text, url=st.one_of(st.none(), small_text),
    author=st.builds(Author, handle=small_text, name=small_text, bio=hostile_text, url=small_text),
    media=st.lists(st.builds(Media, url=small_text, type=st.sampled_from(["image", "link", "gif"])),
                   max_size=2).map(tuple),
    region=st.one_of(st.none(), small_text), category=st.one_of(st.none(), small_text),
    extra=st.dictionaries(small_text, json_value, max_size=3))


@settings(max_examples=EXAMPLES, deadline=None)
@given(records)
def test_check_record_refuses_only_with_a_reason(record: PostRecord) -> None:
    try:
        check_record(record)
    except InvalidRecord:
        return
    json.dumps(record_to_dict(record), ensure_ascii=False, allow_nan=False).encode("utf-8")


@settings(max_examples=max(10, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=5))
def test_what_is_accepted_is_stored_and_read_back_exactly(db: Database, batch: list[PostRecord]) -> None:
    with db.reader() as session:
        before = {p.id for p in unscored_posts(session, after_id=0, limit=100_000)}
    stats = ingest_items(db, [Item(r, str(n)) for n, r in enumerate(batch)], scorer=None)
    assert stats.reconciles()
    accepted = {}
    for record in batch:
        try:
            accepted[(record.platform, record.external_id)] = check_record(record)
        except InvalidRecord:
            pass
    with db.reader() as session:
        stored = [s.record for s in unscored_posts(session, after_id=0, limit=100_000)]
    by_key = {(r.platform, r.external_id): r for r in stored}
    for key, record in accepted.items():
        assert key in by_key
        if by_key[key].text != record.text:  # re-sent under an earlier example's key: versioned
            continue
        assert by_key[key].media == record.media and dict(by_key[key].extra) == {
            **dict(by_key[key].extra), **dict(record.extra)}
    assert len(stored) >= len(before)
