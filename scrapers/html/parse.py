"""HTML page + selectors → PostRecords (pure).

Options: `item` (required: one element per post), `text` (within the item; default the item
itself), `id`, `author`, `date`, `link` (within the item), `next` (in the page: a link to the
following page). An id element gives its `data-id`/`id`/`href` attribute or its text; without
an id, the link, else a hash of the text, identifies the post.

Selectors are soupsieve's (BeautifulSoup's `select`), matched on lxml's bounded tree by
`scrapers.css` and read by `scrapers.treetext.SoupText`: the same records as from a
BeautifulSoup tree at ~1/10 of the CPU. A selector using a part `scrapers.css` does not walk
(`:nth-child`, `:contains`, `:root`, namespaces, ...) sends the page through BeautifulSoup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from scrapers.bounded import PageBudget, parse_html
from scrapers.css import CompiledSelector, Unsupported, compile_selector
from scrapers.errors import N_, InvalidSource
from scrapers.html.constants import SELECTOR_OPTIONS
from scrapers.text import element_text, squash
from scrapers.treetext import SoupText
from scrapers.url.metadata import read_date
from storage.errors import Message
from storage.records import Author, PostRecord

__all__ = ["HtmlPage", "parse_items"]


@dataclass
class HtmlPage:
    records: list[PostRecord] = field(default_factory=list)
    next_url: str | None = None
    errors: list[str] = field(default_factory=list)


def _soup_one(item: Tag, selector: str | None) -> Tag | None:
    """The first match inside the item, or the item itself when it matches (`data-id` on it)."""
    if not selector:
        return None
    return item if item.css.match(selector) else item.select_one(selector)


def _soup_id(node: Tag | None, base: str) -> str:
    if node is None:
        return ""
    for attr in ("data-id", "id", "href"):
        if node.get(attr):
            value = str(node[attr])
            return urljoin(base, value) if attr == "href" else value
    return squash(node.get_text(" "))


def _soup_record(item: Tag, sel: Mapping[str, str], base: str, platform: str) -> PostRecord:
    text_node = _soup_one(item, sel.get("text")) if sel.get("text") else item
    text = element_text(text_node) if text_node is not None else ""
    link_node = _soup_one(item, sel.get("link"))
    link = (
        urljoin(base, str(link_node["href"]))
        if link_node is not None and link_node.get("href")
        else None
    )
    date_node = _soup_one(item, sel.get("date"))
    date = None
    if date_node is not None:
        raw = date_node.get("datetime") or date_node.get("content") or date_node.get_text(" ")
        date = read_date(squash(str(raw)))
    author_node = _soup_one(item, sel.get("author"))
    external_id = _soup_id(_soup_one(item, sel.get("id")), base) or link
    if not external_id:
        external_id = "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]
    return PostRecord(
        platform=platform,
        external_id=external_id,
        text=text,
        url=link,
        author=Author(name=squash(author_node.get_text(" ")) if author_node is not None else ""),
        posted_at=date,
    )


class _Selectors:
    """The source's selectors compiled once per page. A selector that fails to compile raises
    when it is first used, as it did under BeautifulSoup (a bad `text` selector on a page
    without items goes unnoticed)."""

    def __init__(self, sel: Mapping[str, str]) -> None:
        self.compiled: dict[str, CompiledSelector] = {}
        self.failed: dict[str, Exception] = {}
        for key in SELECTOR_OPTIONS:
            if sel.get(key):
                try:
                    self.compiled[key] = compile_selector(sel[key])
                except Unsupported:
                    raise
                except Exception as exc:  # SelectorSyntaxError and whatever else soupsieve raises
                    self.failed[key] = exc

    def get(self, key: str) -> CompiledSelector | None:
        if key in self.failed:
            raise self.failed[key]
        return self.compiled.get(key)


def _one(item: Any, selectors: _Selectors, key: str) -> Any | None:
    """The first match inside the item, or the item itself when it matches (`data-id` on it)."""
    compiled = selectors.get(key)
    if compiled is None:
        return None
    return item if compiled.match(item) else compiled.select_one(item)


def _id(node: Any | None, base: str, text: SoupText) -> str:
    if node is None:
        return ""
    for attr in ("data-id", "id", "href"):
        value = node.get(attr)
        if value:
            return urljoin(base, value) if attr == "href" else str(value)
    return squash(text.get_text(node, " "))


def _record(
    item: Any, selectors: _Selectors, base: str, platform: str, text: SoupText
) -> PostRecord:
    given = "text" in selectors.compiled or "text" in selectors.failed
    text_node = _one(item, selectors, "text") if given else item
    body = text.element_text(text_node) if text_node is not None else ""
    link_node = _one(item, selectors, "link")
    href = link_node.get("href") if link_node is not None else None
    link = urljoin(base, href) if href else None
    date_node = _one(item, selectors, "date")
    date = None
    if date_node is not None:
        raw = (
            date_node.get("datetime") or date_node.get("content") or text.get_text(date_node, " ")
        )
        date = read_date(squash(str(raw)))
    author_node = _one(item, selectors, "author")
    external_id = _id(_one(item, selectors, "id"), base, text) or link
    if not external_id:
        external_id = "sha256:" + hashlib.sha256(body.encode()).hexdigest()[:32]
    return PostRecord(
        platform=platform,
        external_id=external_id,
        text=body,
        url=link,
        author=Author(name=squash(text.get_text(author_node, " ")) if author_node is not None else ""),
        posted_at=date,
    )


def parse_items(markup: str, base: str, sel: Mapping[str, str], platform: str) -> HtmlPage:
    """Records of one page. Raises InvalidSource for a selector that is not valid CSS and
    ParseError beyond the element, depth and time limits (scrapers.bounded)."""
    budget = PageBudget()
    tree = parse_html(markup, budget)
    try:
        selectors = _Selectors(sel)
    except Unsupported:
        return _soup_items(markup, base, sel, platform, budget)
    page, text = HtmlPage(), SoupText()
    try:
        finder = selectors.get("item")
        items = finder.select(tree) if finder is not None else []
        for number, item in enumerate(items, 1):
            record = _record(item, selectors, base, platform, text)
            if record.text:
                page.records.append(record)
            else:
                page.errors.append(Message(N_("item {number}: no text (selector {selector!r})"),
                                           number=number, selector=sel.get("text")))
            budget.check(f"item {number}")
        after = selectors.get("next")
        nxt = next(iter(after.select(tree)), None) if after is not None else None
    except SelectorSyntaxError as exc:
        raise InvalidSource(N_("invalid CSS selector: {error}"), error=str(exc)) from exc
    if not items:
        page.errors.append(Message(N_("no element matches the item selector {selector!r}"),
                                   selector=sel["item"]))
    href = nxt.get("href") if nxt is not None else None
    if href:
        page.next_url = urljoin(base, href)
    return page


def _soup_items(
    markup: str, base: str, sel: Mapping[str, str], platform: str, budget: PageBudget
) -> HtmlPage:
    """The BeautifulSoup reading, for selectors scrapers.css does not walk."""
    soup = BeautifulSoup(markup, "lxml")
    page = HtmlPage()
    try:
        items = soup.select(sel["item"])
        for number, item in enumerate(items, 1):
            record = _soup_record(item, sel, base, platform)
            if record.text:
                page.records.append(record)
            else:
                page.errors.append(Message(N_("item {number}: no text (selector {selector!r})"),
                                           number=number, selector=sel.get("text")))
            budget.check(f"item {number}")
        nxt = soup.select_one(sel["next"]) if sel.get("next") else None
    except SelectorSyntaxError as exc:
        raise InvalidSource(N_("invalid CSS selector: {error}"), error=str(exc)) from exc
    if not items:
        page.errors.append(Message(N_("no element matches the item selector {selector!r}"),
                                   selector=sel["item"]))
    if nxt is not None and nxt.get("href"):
        page.next_url = urljoin(base, str(nxt["href"]))
    return page
