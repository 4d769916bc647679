"""Parsing bounded in memory and time: every page an adapter reads goes through here first.

A response body is at most `max_response_bytes` (the client cuts it), but 10 MB of markup can
still cost a gigabyte as a BeautifulSoup tree, and a million nested tags minutes of CPU. So:

- markup is refused (ParseError) beyond `MAX_ELEMENTS` start tags, counted in C before any
  tree exists, and beyond `MAX_DEPTH` nesting levels, found while lxml builds its own compact
  tree (lxml's `huge_tree` stays off; libxml2 would otherwise silently flatten the rest);
- JSON is refused beyond `MAX_JSON_VALUES` values (counted the same way) and when nested
  deeper than the decoder can follow (a RecursionError becomes a ParseError);
- `PageBudget` gives one page a wall-clock budget, checked between chunks and items.

The fixture pages have at most ~1,200 elements, nesting 20 deep: the limits leave a wide margin.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree, html

from scrapers.errors import N_, ParseError

__all__ = [
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_JSON_VALUES",
    "PAGE_SECONDS",
    "PageBudget",
    "check_markup_size",
    "load_json",
    "parse_html",
    "parse_xml",
]

MAX_ELEMENTS = 50_000
MAX_DEPTH = 250  # below libxml2's own 256, which it enforces by silently dropping levels
MAX_JSON_VALUES = 500_000
PAGE_SECONDS = 15.0
_CHUNK = 256 * 1024


@dataclass
class PageBudget:
    """Wall-clock budget of one page's parse; `check` raises ParseError once it is spent."""

    seconds: float = PAGE_SECONDS
    started: float = field(default_factory=time.monotonic)

    def check(self, where: str) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise ParseError(N_("parsing took longer than {seconds}s ({where}): page refused"),
                             seconds=f"{self.seconds:g}", where=where)


def _count(markup: str | bytes, needle: str) -> int:
    return markup.count(needle.encode()) if isinstance(markup, bytes) else markup.count(needle)


def check_markup_size(markup: str | bytes, limit: int = MAX_ELEMENTS) -> None:
    """ParseError when markup has more than `limit` start tags (an upper bound: `<` minus `</`)."""
    tags = _count(markup, "<") - _count(markup, "</")
    if tags > limit:
        raise ParseError(N_("more than {limit} elements (about {count}): page refused"),
                         limit=limit, count=tags)


def _feed(
    parser: Any, markup: str | bytes, budget: PageBudget, max_depth: int, kind: str
) -> Any:
    depth = 0
    for start in range(0, len(markup), _CHUNK):
        parser.feed(markup[start : start + _CHUNK])
        for event, _element in parser.read_events():
            depth += 1 if event == "start" else -1
            if depth >= max_depth:
                raise ParseError(N_("{kind} nested deeper than {depth} levels: page refused"),
                                 kind=kind, depth=max_depth)
        budget.check(f"{kind} at byte {start}")
    return parser.close()


@lru_cache(maxsize=8)
def _deeper_than(max_depth: int) -> etree.XPath:
    """Whether any element has `max_depth` - 1 ancestors (is `max_depth` levels deep)."""
    return etree.XPath(f"boolean(//*[ancestor::*[{max_depth - 1}]])")


def parse_html(
    markup: str | bytes, budget: PageBudget | None = None, max_depth: int = MAX_DEPTH
) -> html.HtmlElement:
    """An lxml HTML tree of `markup`, within the element, depth and time limits.

    The depth is checked on the finished tree, in C: libxml2 stops nesting at 256 levels, so a
    deeper page still shows as one at least MAX_DEPTH deep (counting pull-parser events in
    Python cost as much as the parse itself)."""
    check_markup_size(markup)
    budget = budget or PageBudget()
    parser = etree.HTMLParser(huge_tree=False, no_network=True)
    parser.set_element_class_lookup(html.HtmlElementClassLookup())
    markup = markup or "<html></html>"
    try:
        for start in range(0, len(markup), _CHUNK):
            parser.feed(markup[start : start + _CHUNK])
            budget.check(f"HTML at byte {start}")
        root = parser.close()
    except etree.LxmlError as exc:
        raise ParseError(N_("unreadable HTML: {error}"), error=str(exc)) from exc
    if root is None:
        raise ParseError(N_("no HTML document"))
    if _deeper_than(max_depth)(root):
        raise ParseError(N_("HTML nested deeper than {depth} levels: page refused"), depth=max_depth)
    return root


def parse_xml(body: bytes, budget: PageBudget | None = None, max_depth: int = MAX_DEPTH) -> Any:
    """A recovering lxml tree of an XML document (no entity expansion, no network) within the
    limits; None when nothing could be read."""
    check_markup_size(body)
    pull = etree.XMLPullParser(
        events=("start", "end"),
        recover=True,
        huge_tree=False,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    )
    try:
        return _feed(pull, body.lstrip(), budget or PageBudget(), max_depth, "XML")
    except etree.LxmlError:
        return None


def load_json(text: str, limit: int = MAX_JSON_VALUES) -> Any:
    """json.loads within limits: ParseError for malformed, oversized or too deeply nested JSON
    (also integers beyond Python's 4,300-digit conversion limit)."""
    values = text.count(",") + text.count("{") + text.count("[")
    if values > limit:
        raise ParseError(N_("JSON with more than {limit} values (about {count}): response refused"),
                         limit=limit, count=values)
    try:
        return json.loads(text)
    except RecursionError:
        raise ParseError(N_("JSON nested too deeply: response refused")) from None
    except ValueError as exc:  # JSONDecodeError, and int() of a 5,000-digit number
        raise ParseError(N_("malformed JSON: {error}"), error=str(exc)) from None
