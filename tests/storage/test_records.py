"""The interchange record: what is accepted, what is refused and why (interfaces.md §1)."""

from datetime import UTC, datetime

import pytest

from storage.records import InvalidRecord, record_from_dict, record_to_dict


def test_number_external_id_becomes_string_and_unknown_fields_are_kept() -> None:
    record = record_from_dict({"platform": "x", "external_id": 42, "text": "hai", "likes": 3})
    assert record.external_id == "42"
    assert record_to_dict(record)["likes"] == 3


def test_time_without_offset_is_read_as_utc() -> None:
    record = record_from_dict({"platform": "x", "external_id": "1", "text": "t",
                               "posted_at": "2024-11-27T07:00:00"})
    assert record.posted_at == datetime(2024, 11, 27, 7, tzinfo=UTC)


def test_offset_is_converted_to_utc() -> None:
    record = record_from_dict({"platform": "x", "external_id": "1", "text": "t",
                               "posted_at": "2024-11-27T08:00:00+08:00"})
    assert record.posted_at == datetime(2024, 11, 27, 0, tzinfo=UTC)


def test_empty_text_is_allowed_only_with_media() -> None:
    ok = record_from_dict({"platform": "instagram", "external_id": "1", "text": "",
                           "media": [{"url": "https://x/y.jpg", "type": "image"}]})
    assert ok.media[0].type == "image"
    with pytest.raises(InvalidRecord, match="text may be empty only when media"):
        record_from_dict({"platform": "instagram", "external_id": "1", "text": ""})


@pytest.mark.parametrize(("data", "reason"), [
    ({"external_id": "1", "text": "t"}, "platform"),
    ({"platform": "Face Book", "external_id": "1", "text": "t"}, "platform"),
    ({"platform": "x", "text": "t"}, "external_id"),
    ({"platform": "x", "external_id": True, "text": "t"}, "external_id"),
    ({"platform": "x", "external_id": "1"}, "text is required"),
    ({"platform": "x", "external_id": "1", "text": 5}, "text is required"),
    ({"platform": "x", "external_id": "1", "text": "t", "posted_at": "kemarin"}, "ISO 8601"),
    ({"platform": "x", "external_id": "1", "text": "t", "author": "budi"}, "author must be an object"),
    ({"platform": "x", "external_id": "1", "text": "t", "label": 2}, "label must be 0 or 1"),
    ({"platform": "x", "external_id": "1", "text": "t", "media": [{"url": "u", "type": "gif"}]}, "media"),
    (["not", "an", "object"], "JSON object"),
])
def test_invalid_records_name_the_problem(data: object, reason: str) -> None:
    with pytest.raises(InvalidRecord, match=reason):
        record_from_dict(data)
