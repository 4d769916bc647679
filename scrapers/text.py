"""Text helpers shared by the parsers: charset handling and HTML → plain text."""

from __future__ import annotations

import codecs
import re
from typing import Mapping

from bs4 import BeautifulSoup, Tag

__all__ = ["decode_body", "html_to_text", "squash", "element_text"]

_CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_CHARSET_XML = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    label = name.decode("ascii", "ignore") if isinstance(name, bytes) else name
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Bytes → str: BOM, declared charset (header, meta/XML), else UTF-8; bad bytes replaced."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, "replace")
    declared = _CHARSET_HEADER.search((headers or {}).get("content-type", ""))
    head = body[:4096]
    sniffed = _CHARSET_XML.search(head) or _CHARSET_META.search(head)
    for candidate in (declared and declared.group(1), sniffed and sniffed.group(1)):
        codec = _codec(candidate)
        if codec:
            return body.decode(codec, "replace")
    return body.decode("utf-8", "replace")


def squash(text: str) -> str:
    """Collapse runs of spaces (incl. NBSP) per line, and blank-line runs, then strip."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _NEWLINES.sub("\n", "\n".join(lines)).strip()


def element_text(element: Tag) -> str:
    """Visible text of an element: <br> and block ends read as line breaks."""
    for br in element.find_all("br"):
        br.replace_with("\n")
    for block in element.find_all(_BLOCKS):
        block.append("\n")
    return squash(element.get_text())


def html_to_text(markup: str) -> str:
    """HTML fragment → plain text (Mastodon content, feed summaries)."""
    if "<" not in markup and "&" not in markup:
        return squash(markup)
    return element_text(BeautifulSoup(markup, "html.parser"))
