"""HTML page + selectors → PostRecords (pure).

Options: `item` (required: one element per post), `text` (within the item; default the item
itself), `id`, `author`, `date`, `link` (within the item), `next` (in the page: a link to the
following page). An id element gives its `data-id`/`id`/`href` attribute or its text; without
an id, the link, else a hash of the text, identifies the post.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from scrapers.bounded import PageBudget, parse_html
from scrapers.errors import InvalidSource
from scrapers.text import element_text, squash
from scrapers.url.metadata import read_date
from storage.records import Author, PostRecord

__all__ = ["HtmlPage", "parse_items"]


@dataclass
class HtmlPage:
    records: list[PostRecord] = field(default_factory=list)
    next_url: str | None = None
    errors: list[str] = field(default_factory=list)


def _one(item: Tag, selector: str | None) -> Tag | None:
    """The first match inside the item, or the item itself when it matches (`data-id` on it)."""
    if not selector:
        return None
    return item if item.css.match(selector) else item.select_one(selector)


def _id(node: Tag | None, base: str) -> str:
    if node is None:
        return ""
    for attr in ("data-id", "id", "href"):
        if node.get(attr):
            value = str(node[attr])
            return urljoin(base, value) if attr == "href" else value
    return squash(node.get_text(" "))


def _record(item: Tag, sel: Mapping[str, str], base: str, platform: str) -> PostRecord:
    text_node = _one(item, sel.get("text")) if sel.get("text") else item
    text = element_text(text_node) if text_node is not None else ""
    link_node = _one(item, sel.get("link"))
    link = (
        urljoin(base, str(link_node["href"]))
        if link_node is not None and link_node.get("href")
        else None
    )
    date_node = _one(item, sel.get("date"))
    date = None
    if date_node is not None:
        raw = date_node.get("datetime") or date_node.get("content") or date_node.get_text(" ")
        date = read_date(squash(str(raw)))
    author_node = _one(item, sel.get("author"))
    external_id = _id(_one(item, sel.get("id")), base) or link
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


def parse_items(markup: str, base: str, sel: Mapping[str, str], platform: str) -> HtmlPage:
    """Records of one page. Raises InvalidSource for a selector that is not valid CSS and
    ParseError beyond the element, depth and time limits (scrapers.bounded)."""
    budget = PageBudget()
    parse_html(markup, budget)  # limits checked on lxml's compact tree before the soup exists
    soup = BeautifulSoup(markup, "lxml")
    page = HtmlPage()
    try:
        items = soup.select(sel["item"])
        for number, item in enumerate(items, 1):
            record = _record(item, sel, base, platform)
            if record.text:
                page.records.append(record)
            else:
                page.errors.append(f"item {number}: no text (selector {sel.get('text')!r})")
            budget.check(f"item {number}")
        nxt = soup.select_one(sel["next"]) if sel.get("next") else None
    except SelectorSyntaxError as exc:
        raise InvalidSource(f"invalid CSS selector: {exc}") from exc
    if not items:
        page.errors.append(f"no element matches the item selector {sel['item']!r}")
    if nxt is not None and nxt.get("href"):
        page.next_url = urljoin(base, str(nxt["href"]))
    return page
