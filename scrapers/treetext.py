"""Plain text of lxml elements, read the way `scrapers.text.element_text` reads a soup element:
<br> and the ends of block elements become line breaks, scripts and styles are skipped, runs of
spaces collapse. Also the class-token XPath test the lxml-based parsers share."""

from __future__ import annotations

from typing import Any

from scrapers.text import squash

__all__ = ["SoupText", "has_class", "joined_text", "tree_text"]

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
