"""CSS selectors matched on lxml elements with soupsieve's own parse and semantics (pure).

The html adapter's selectors were always soupsieve's (BeautifulSoup's `select`). Building a
BeautifulSoup tree costs ~10× the lxml tree it is built from, so selectors are compiled by
soupsieve (same grammar, same SelectorSyntaxError, same attribute patterns) and the compiled
structure is walked here on lxml's tree, right to left as soupsieve does. The parts this walker
does not implement (`:nth-*`/`:first-child`, `:contains`, `:lang`, flags such as `:root` or
`:empty`, namespaces) raise `Unsupported`, and the caller falls back to BeautifulSoup.

Mirrored details: tag and attribute names compare ASCII-lower-cased; multi-valued attributes
(`class`, `rel`, ...: BeautifulSoup's list attributes) are split on whitespace and re-joined
with single spaces before an attribute pattern sees them; the document itself is the parent of
the root element (`* > html` matches) and has no name, id, class or attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import soupsieve
from bs4.builder import HTMLTreeBuilder
from soupsieve import css_types as ct
from soupsieve.util import lower

__all__ = ["CompiledSelector", "Unsupported", "compile_selector"]

_WORDS = re.compile(r"\S+")  # BeautifulSoup's split of multi-valued attributes
_LISTS = {tag: frozenset(names) for tag, names in HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES.items()}
_UNIVERSAL = _LISTS.get("*", frozenset())


class Unsupported(Exception):
    """A selector feature this walker does not implement (use BeautifulSoup for it)."""


class _Document:
    """The document node above the root element (BeautifulSoup's `[document]`)."""

    def __init__(self, root: Any) -> None:
        self.root = root


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _parent(el: Any) -> Any:
    if isinstance(el, _Document):
        return None
    parent = el.getparent()
    return _Document(el) if parent is None else parent


def _children(el: Any) -> Iterator[Any]:
    if isinstance(el, _Document):
        yield el.root
        return
    for child in el:
        if _is_element(child):
            yield child


def _descendants(el: Any) -> Iterator[Any]:
    if isinstance(el, _Document):
        yield el.root
        el = el.root
    for node in el.iterdescendants():
        if _is_element(node):
            yield node


def _previous(el: Any) -> Any:
    if isinstance(el, _Document):
        return None
    sibling = el.getprevious()
    while sibling is not None and not _is_element(sibling):
        sibling = sibling.getprevious()
    return sibling


def _next(el: Any) -> Any:
    if isinstance(el, _Document):
        return None
    sibling = el.getnext()
    while sibling is not None and not _is_element(sibling):
        sibling = sibling.getnext()
    return sibling


def _attribute(el: Any, name: str) -> str | None:
    """The value soupsieve would match an attribute pattern against (None: no attribute)."""
    if isinstance(el, _Document):
        return None
    for key, value in el.attrib.items():
        if lower(key) == name:
            listed = key in _UNIVERSAL or key in _LISTS.get(lower(el.tag), ())
            return " ".join(_WORDS.findall(value)) if listed else value
    return None


def _classes(el: Any) -> list[str]:
    if isinstance(el, _Document):
        return []
    for key, value in el.attrib.items():
        if lower(key) == "class":
            return _WORDS.findall(value)
    return []


def _check(selectors: ct.SelectorList) -> None:
    """Unsupported unless every part of the compiled selector is one this module walks."""
    if selectors.is_html:
        raise Unsupported("html-only pseudo-class")
    for sel in selectors:
        if sel is ct.Null or isinstance(sel, ct.SelectorNull):
            continue
        if sel.nth or sel.contains or sel.lang or sel.flags:
            raise Unsupported("pseudo-class")
        if sel.tag is not None and sel.tag.prefix is not None:
            raise Unsupported("namespace prefix")
        if any(a.prefix for a in sel.attributes):
            raise Unsupported("namespaced attribute")
        for sub in sel.selectors:
            _check(sub)
        if sel.relation:
            _check(sel.relation)


class CompiledSelector:
    """One selector list, matched on lxml elements."""

    def __init__(self, compiled: soupsieve.SoupSieve) -> None:
        self._selectors = compiled.selectors
        _check(self._selectors)

    def match(self, el: Any) -> bool:
        return self._match(el, self._selectors)

    def select(self, root: Any) -> list[Any]:
        """Matching elements of the document whose root element is `root` (BeautifulSoup's
        `soup.select`: the root element included), in document order."""
        return [el for el in _descendants(_Document(root)) if self.match(el)]

    def select_one(self, element: Any) -> Any | None:
        """The first matching element below `element` (`tag.select_one`: not itself)."""
        return next((el for el in _descendants(element) if self.match(el)), None)

    def _match(self, el: Any, selectors: ct.SelectorList) -> bool:
        """soupsieve's match_selectors, for the supported parts."""
        match = False
        for sel in selectors:
            match = selectors.is_not
            if sel is ct.Null or isinstance(sel, ct.SelectorNull):
                continue
            if not self._compound(el, sel):
                continue
            match = not selectors.is_not
            break
        return match

    def _compound(self, el: Any, sel: ct.Selector) -> bool:
        if sel.tag is not None and sel.tag.name is not None:
            name = lower(sel.tag.name)
            if name != "*" and (isinstance(el, _Document) or name != lower(el.tag)):
                return False
        if sel.ids and any(i != (_attribute(el, "id") or "") for i in sel.ids):
            return False
        if sel.classes:
            present = _classes(el)
            if any(c not in present for c in sel.classes):
                return False
        for attr in sel.attributes:
            value = _attribute(el, lower(attr.attribute))
            if value is None or (attr.pattern is not None and attr.pattern.match(value) is None):
                return False
        if any(not self._match(el, sub) for sub in sel.selectors):
            return False
        return not (sel.relation and not self._related(el, sel.relation))

    def _related(self, el: Any, relation: ct.SelectorList) -> bool:
        first = relation[0]
        if first is ct.Null or first.rel_type is None:
            return False
        kind = first.rel_type
        if kind == " ":
            parent = _parent(el)
            while parent is not None:
                if self._match(parent, relation):
                    return True
                parent = _parent(parent)
            return False
        if kind == ">":
            parent = _parent(el)
            return parent is not None and self._match(parent, relation)
        if kind == "~":
            sibling = _previous(el)
            while sibling is not None:
                if self._match(sibling, relation):
                    return True
                sibling = _previous(sibling)
            return False
        if kind == "+":
            sibling = _previous(el)
            return sibling is not None and self._match(sibling, relation)
        if kind == ": ":
            return any(self._match(d, relation) for d in _descendants(el))
        if kind == ":>":
            return any(self._match(c, relation) for c in _children(el))
        if kind == ":~":
            sibling = _next(el)
            while sibling is not None:
                if self._match(sibling, relation):
                    return True
                sibling = _next(sibling)
            return False
        if kind == ":+":
            sibling = _next(el)
            return sibling is not None and self._match(sibling, relation)
        raise Unsupported(f"combinator {kind!r}")


def compile_selector(css: str) -> CompiledSelector:
    """soupsieve's compile (SelectorSyntaxError for invalid CSS), then Unsupported for the parts
    this module does not walk."""
    return CompiledSelector(soupsieve.compile(css))
