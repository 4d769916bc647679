"""Feed bytes made safe for feedparser, and each item's own guid and link (pure).

- The body's size and nesting are checked (scrapers.bounded) before feedparser sees it.
- A DOCTYPE's internal subset is dropped: feedparser keeps "safe" entity declarations and its
  SAX parser still expands nested ones (a billion-laughs feed cost seconds of CPU).
- A charset label in the Content-Type or XML declaration that names no WHATWG text encoding
  (hex, rot13, punycode, undefined, ...: feedparser raises on some) is replaced by the
  encoding `scrapers.text.body_codec` settles on.
- Each item's own `<guid>`/`<id>` and `<link>` (direct children in the feed's own vocabulary),
  read with lxml, so a related-article link in an extension namespace never becomes the post's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapers.bounded import PageBudget, parse_xml
from scrapers.charsets import codec_for_label
from scrapers.text import CHARSET_HEADER, CHARSET_XML, body_codec

__all__ = ["OwnIds", "feed_headers", "item_ids", "safe_body"]

_ATOM = "http://www.w3.org/2005/Atom"
_RSS_NAMESPACES = (None, "", "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE\s[^\[>]*)\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class OwnIds:
    """One item's own id and link as written in it (None when it has none)."""

    guid: str | None
    link: str | None


def safe_body(body: bytes, headers: Mapping[str, str]) -> bytes:
    """The body feedparser gets: no DTD internal subset, a usable XML encoding label."""
    head, rest = body[:8192], body[8192:]
    if b"<!ENTITY" in head.upper():
        head = _INTERNAL_SUBSET.sub(rb"\1>", head, count=1)
    declared = CHARSET_XML.search(head)
    if declared and codec_for_label(declared.group(1)) is None:
        codec, _how = body_codec(body, headers)
        start, end = declared.span(1)
        head = head[:start] + _feed_codec(codec).encode() + head[end:]
    return head + rest


def feed_headers(body: bytes, headers: Mapping[str, str], url: str) -> dict[str, str]:
    """Lower-cased response headers for feedparser, with an unusable charset label replaced."""
    out = {k.lower(): v for k, v in headers.items()}
    out.setdefault("content-location", url)
    content_type = out.get("content-type", "")
    label = CHARSET_HEADER.search(content_type)
    if label and codec_for_label(label.group(1)) is None:
        codec, _how = body_codec(body, {})
        start, end = label.span(1)
        out["content-type"] = content_type[:start] + _feed_codec(codec) + content_type[end:]
    return out


def _feed_codec(codec: str) -> str:
    return "windows-1252" if codec == "x-user-defined" else codec


def _local(element: Any) -> tuple[str | None, str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _own(item: Any) -> OwnIds:
    """Direct children in the item's own vocabulary: an RSS item's un-namespaced (or RSS 1.0)
    guid and link; an Atom entry's atom:id and alternate atom:link."""
    atom_entry = _local(item)[0] == _ATOM
    guid = link = None
    for child in item:
        namespace, local = _local(child)
        if (namespace == _ATOM) != atom_entry or (not atom_entry and namespace not in _RSS_NAMESPACES):
            continue
        text = (child.text or "").strip()
        if local in ("guid", "id") and guid is None:
            guid = text or None
        elif local == "link" and link is None:
            href = (child.get("href") or "").strip()
            if not atom_entry and text:
                link = text
            elif atom_entry and child.get("rel", "alternate") == "alternate" and href:
                link = href
    about = (item.get(_RDF_ABOUT) or "").strip()
    return OwnIds(guid or about or None, link)


def item_ids(body: bytes, budget: PageBudget) -> list[OwnIds] | None:
    """Own ids of every item/entry in document order; None when lxml cannot read the feed.
    Raises ParseError beyond the size, depth and time limits."""
    root = parse_xml(body, budget)
    if root is None:
        return None
    items = []
    for element in root.iter():
        namespace, local = _local(element)
        if local in ("item", "entry") and (namespace in _RSS_NAMESPACES or namespace == _ATOM):
            items.append(_own(element))
    return items
