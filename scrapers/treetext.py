"""Plain text of lxml elements, read the way `scrapers.text.element_text` reads a soup element:
<br> and the ends of block elements become line breaks, scripts and styles are skipped, runs of
spaces collapse. Also the class-token XPath test the lxml-based parsers share."""

from __future__ import annotations

from typing import Any

from scrapers.text import squash

__all__ = ["has_class", "joined_text", "tree_text"]

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
