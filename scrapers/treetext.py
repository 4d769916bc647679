"""Plain text of lxml elements, read the way `scrapers.text.element_text` reads a soup element:
<br> and the ends of block elements become line breaks, scripts and styles are skipped, runs of
spaces collapse. Also the class-token XPath test the lxml-based parsers share."""

from __future__ import annotations

import re
import threading
from typing import Any

from lxml import etree

from scrapers.text import squash

__all__ = ["SoupText", "fragment_text", "has_class", "joined_text", "tree_text"]

_BLOCKS = frozenset(("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                     "pre"))
_SKIPPED = frozenset(("script", "style", "template"))


def has_class(name: str) -> str:
    """An XPath predicate: the element's class attribute holds the token `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _parts(element: Any, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None  # None: comment or PI
    if tag == "br":
        out.append("\n")
    elif tag is not None and tag not in _SKIPPED:
        out.append(element.text or "")
        for child in element:
            _parts(child, out)
            out.append(child.tail or "")
        if tag in _BLOCKS:
            out.append("\n")


def tree_text(element: Any) -> str:
    """Visible text of an element with line breaks at <br> and block ends (depth is bounded by
    scrapers.bounded, so the recursion is too)."""
    out: list[str] = []
    _parts(element, out)
    return squash("".join(out))


def joined_text(element: Any, separator: str = " ") -> str:
    """Every text node below `element` joined by `separator` (BeautifulSoup's get_text(sep))."""
    if element is None:
        return ""
    pieces = [t for t in element.xpath(".//text()[not(parent::script or parent::style)]")]
    return squash(separator.join(pieces))


_CONTAINERS = frozenset(("rt", "rp", "style", "script", "template"))  # BeautifulSoup's own
# string classes, which its get_text leaves out (scripts, styles, templates, ruby annotations)


def _container(element: Any) -> str | None:
    """The nearest element among `element` and its ancestors whose strings get_text skips."""
    while element is not None:
        if element.tag in _CONTAINERS:
            return str(element.tag)
        element = element.getparent()
    return None


class SoupText:
    """BeautifulSoup's `get_text(sep)` and `scrapers.text.element_text` on one lxml tree.

    element_text edits the soup it reads (each <br> below the element becomes a "\\n" string,
    each block below it gets a trailing "\\n"), and later get_text calls on the same page see
    those edits: the html adapter reads an item's text before its author, date and id. The
    edits are kept here as marks, so the records come out as they did from the soup.
    """

    def __init__(self) -> None:
        self._breaks: set[Any] = set()
        self._blocks: set[Any] = set()

    def element_text(self, element: Any) -> str:
        """`scrapers.text.element_text` of the element (and its edits, remembered)."""
        for node in element.iterdescendants():
            if node.tag == "br":
                self._breaks.add(node)
            elif node.tag in _BLOCKS:
                self._blocks.add(node)
        return squash(self.get_text(element))

    def get_text(self, element: Any, separator: str = "") -> str:
        """The element's strings joined by `separator`, as BeautifulSoup returns them."""
        wanted = str(element.tag) if element.tag in _CONTAINERS else None
        out: list[str] = []
        self._walk(element, _container(element), wanted, out)
        if element in self._blocks and wanted is None:
            out.append("\n")
        return separator.join(out)

    def _walk(self, element: Any, context: str | None, wanted: str | None, out: list[str]) -> None:
        if element.text and context == wanted:
            out.append(element.text)
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                if child in self._breaks:
                    if wanted is None:
                        out.append("\n")
                else:
                    inner = str(child.tag) if child.tag in _CONTAINERS else context
                    self._walk(child, inner, wanted, out)
                    if child in self._blocks and wanted is None:
                        out.append("\n")
            if child.tail and context == wanted:
                out.append(child.tail)


_PARSERS = threading.local()  # parsers run in worker threads; an lxml parser serves one at a time


def _fragment_parser() -> etree.HTMLParser:
    parser = getattr(_PARSERS, "html", None)
    if parser is None:
        parser = _PARSERS.html = etree.HTMLParser(recover=True, no_network=True, huge_tree=False)
    return parser


# The fragments lxml reads exactly as BeautifulSoup's html.parser did (a property test checks
# it): balanced tags from these sets, no tag auto-closing another, plain comments, no raw-text
# elements, only these character references. Anything else goes through BeautifulSoup.
_INLINE = frozenset(("a", "b", "i", "em", "strong", "span", "code", "sup", "sub", "small", "u",
                     "s", "cite", "q", "abbr", "mark", "time", "del", "ins", "big"))
_VOID = frozenset(("br", "img", "hr", "wbr"))
_BLOCK_TAGS = frozenset(("p", "div", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4",
                         "h5", "h6", "figure", "figcaption"))
_TAG = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9]{0,15})((?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*"""
    r"""(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`]+))?)*)\s*(/?)>"""
)
_FRAGMENT_DEPTH = 200
_COMMENT = re.compile(r"<!--(?:[^-<>]|-(?!-))*-->")  # no "--", "<" or ">" inside
_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|nbsp|laquo|raquo|rsquo|lsquo|rdquo|ldquo|ndash|"
                        r"mdash|hellip|copy|middot|bull)|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));")


def _plain_char(code: int) -> bool:
    return 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800 or 0xE000 <= code < 0xFDD0


def _simple_text(text: str) -> bool:
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    if "<" in text or "\x00" in text:
        return False
    if "&" not in text:
        return True
    rest = _REFERENCE.sub("", text)
    if "&" in rest:
        return False
    for match in _REFERENCE.finditer(text):
        number = match.group(2) or match.group(3)
        if number and not _plain_char(int(number, 16 if match.group(3) else 10)):
            return False
    return True


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLOSED_BY = {  # libxml2 closes the open element (key) when one of these starts inside it
    "p": frozenset(("p", "div", "ul", "ol", "li", "blockquote", "hr", *_HEADINGS)),
    "li": frozenset(("li",)),
    **{h: frozenset(("p", "li")) for h in _HEADINGS},
}


def _nests(name: str, stack: list[str]) -> bool:
    """Whether lxml keeps `name` inside the open elements, as html.parser always does (libxml2
    closes a <p> at a block, a heading at a paragraph or list item, a list item at the next,
    also from inside an inline element)."""
    return not any(name in _CLOSED_BY.get(open_element, ()) for open_element in stack)


def _simple_fragment(markup: str) -> bool:
    """True when lxml and html.parser build the same elements from `markup`."""
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(markup):
        if not _simple_text(markup[position : match.start()]):
            return False
        position = match.end()
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(4)
        if closing:
            if name in _VOID or not stack or stack.pop() != name:
                return False
        elif not _nests(name, stack):
            return False
        elif name not in _VOID:
            if self_closing or (name not in _INLINE and name not in _BLOCK_TAGS):
                return False
            if len(stack) >= _FRAGMENT_DEPTH:
                return False  # libxml2 drops text nested beyond ~255 levels; html.parser keeps it
            stack.append(name)
    return not stack and _simple_text(markup[position:])


def fragment_text(markup: str) -> str | None:
    """`scrapers.text.element_text` of an HTML fragment read by lxml, or None when the fragment
    is one lxml would read differently from html.parser (the caller uses BeautifulSoup)."""
    if not _simple_fragment(markup):
        return None
    markup = markup.replace("\r\n", "\n").replace("\r", " ")  # html.parser's \r: a space
    root = etree.fromstring(f"<div>{markup}</div>", _fragment_parser())
    return "" if root is None else SoupText().element_text(root)
