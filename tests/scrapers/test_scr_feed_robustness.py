"""Feeds: a post's id and url come from its item's own guid/link, never from related-article
links in extension elements; every file of the robustness corpus parses or is a ParseError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrapers.errors import ParseError
from scrapers.rss.parse import parse_feed

OWN = '<title>Artikel A</title><link>http://own.example/a</link><guid isPermaLink="false">a-guid</guid>'
RELATED = {
    "default-namespace": '<related xmlns="urn:x:rel"><link>http://other.example/b</link>'
    "<guid>b-guid</guid></related>",
    "atom-link": '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="http://other.example/b"/>',
    "atom-id": '<atom:id xmlns:atom="http://www.w3.org/2005/Atom">b-guid</atom:id>',
    "prefixed": '<rel:related xmlns:rel="urn:x:rel"><rel:link>http://other.example/b</rel:link>'
    "</rel:related>",
}


def _rss(item: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item>{item}</item><item><title>B</title><link>http://own.example/c</link></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize("related", sorted(RELATED))
@pytest.mark.parametrize("position", ["before", "after"])
def test_related_links_in_extension_elements_never_become_the_post(
    related: str, position: str
) -> None:
    item = RELATED[related] + OWN if position == "before" else OWN + RELATED[related]
    records, _warning = parse_feed(_rss(item), {"content-type": "application/rss+xml"}, "http://f/")
    first, second = records
    assert (first.external_id, first.url) == ("a-guid", "http://own.example/a")
    assert (second.external_id, second.url) == ("http://own.example/c", "http://own.example/c")


def test_atom_entry_keeps_its_alternate_link_over_related_ones() -> None:
    feed = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<entry><id>urn:e1</id><title>E</title>"
        b'<link rel="related" href="http://other.example/r"/>'
        b'<link rel="alternate" href="http://own.example/e1"/>'
        b'<x:link xmlns:x="urn:x" href="http://other.example/x"/></entry></feed>'
    )
    (record,), _ = parse_feed(feed, {}, "http://f/")
    assert (record.external_id, record.url) == ("urn:e1", "http://own.example/e1")


def _corpus(fixtures: Path) -> list[tuple[str, dict[str, Any]]]:
    data = json.loads((fixtures / "feeds-robustness" / "expected.json").read_text())
    return sorted(data["files"].items())


def test_every_robustness_file_parses_or_is_a_parse_error(
    fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parsed = refused = posts = 0
    for name, spec in _corpus(fixtures_dir):
        headers = {}
        for line in spec.get("http_headers", []):
            key, _, value = line.partition(":")
            headers[key.strip()] = value.strip()
        body = (fixtures_dir / "feeds-robustness" / name).read_bytes()
        try:
            records, _warning = parse_feed(body, headers, f"http://feeds.example/{name}")
        except ParseError:
            refused += 1
            continue
        parsed += 1
        posts += len(records)
        for record in records:
            assert record.external_id and isinstance(record.text, str), name
            record.text.encode("utf-8")  # no lone surrogates reach storage
    with capsys.disabled():
        print(f"\nfeeds-robustness parse path: {parsed} parsed ({posts} posts), {refused} ParseError")
    assert parsed + refused == len(_corpus(fixtures_dir)) and parsed > 200
