"""Text helpers shared by the parsers: charset handling (WHATWG labels, then detection) and
HTML → plain text."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from contextlib import suppress

from bs4 import BeautifulSoup, Tag

from scrapers.bounded import check_markup_size
from scrapers.charsets import ENCODINGS, USER_DEFINED, codec_for_label, decode_user_defined

__all__ = [
    "CHARSET_HEADER",
    "CHARSET_XML",
    "body_codec",
    "decode_body",
    "detect_codec",
    "element_text",
    "html_to_text",
    "squash",
]

_I = re.IGNORECASE
CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([^\"';\s]*)", _I)
CHARSET_XML = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([^"'>]{0,64})""", _I)
_CHARSET_META = re.compile(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?([^"'>;\s/]{0,64})""", _I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PRESCAN_BYTES = 4096
_DETECT_BYTES = 64 * 1024
_TEXT_CODECS = frozenset(
    codecs.lookup(codec).name
    for codec, _labels in ENCODINGS.values()
    if codec is not None and codec != USER_DEFINED
)
FRAGMENT_ELEMENTS = 20_000
_DROP_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\f\r")
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def _declared(body: bytes, headers: Mapping[str, str] | None) -> tuple[str, str] | None:
    """(codec, where) from the Content-Type, else the XML declaration or <meta>, when it names
    a WHATWG encoding; labels naming anything else (hex, rot13, punycode, ...) are ignored."""
    content_type = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "")
    header = CHARSET_HEADER.search(content_type)
    codec = codec_for_label(header.group(1)) if header else None
    if codec:
        return codec, "header"
    head = body[:_PRESCAN_BYTES]
    sniffed = CHARSET_XML.search(head) or _CHARSET_META.search(head)
    codec = codec_for_label(sniffed.group(1)) if sniffed else None
    if codec is None:
        return None
    if codec.startswith("utf-16"):
        codec = "utf-8"  # a document read as ASCII bytes to find its label is not UTF-16
    if codec == USER_DEFINED:
        codec = "cp1252"  # the standard's rule for a prescanned x-user-defined
    return codec, "document"


def detect_codec(body: bytes) -> str:
    """The encoding of unlabelled bytes: UTF-8 when they are valid UTF-8, else charset-normalizer's
    best guess among the WHATWG encodings (on the first 64 KiB), else UTF-8."""
    sample = body[:_DETECT_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(body) > _DETECT_BYTES and exc.start >= len(sample) - 3:
            return "utf-8"  # the sample cut a multi-byte character in two
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample).best()
    if best is not None:
        with suppress(LookupError):
            codec = codecs.lookup(best.encoding).name
            if codec in _TEXT_CODECS:
                return codec
    return "utf-8"


def body_codec(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(codec, how): a BOM, a valid declared label (header, then XML declaration or <meta>), or
    detection. The codec is a Python text codec or `x-user-defined`."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    return _declared(body, headers) or (detect_codec(body), "detected")


def decode_body(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Bytes → str with the codec `body_codec` picks; bad bytes are replaced, never raised.

    C0 control characters other than tab, line feed, form feed and carriage return are
    dropped: no text format Pantau reads allows them raw, and a page of 10 MB of NULs cost
    lxml (through BeautifulSoup) one event per character, 40 s and 1 GB.
    """
    codec, _how = body_codec(body, headers)
    text = decode_user_defined(body) if codec == USER_DEFINED else body.decode(codec, "replace")
    return text.translate(_DROP_CONTROLS)


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
    """HTML fragment → plain text (Mastodon content, feed summaries). ParseError beyond
    FRAGMENT_ELEMENTS elements (one post's text, not a page).

    Plain, balanced fragments (most feed and Mastodon content) are read by lxml, ~10× cheaper;
    the rest by BeautifulSoup's html.parser as before, whose reading is the contract."""
    if "<" not in markup and "&" not in markup:
        return squash(markup)
    check_markup_size(markup, FRAGMENT_ELEMENTS)
    from scrapers.treetext import fragment_text  # treetext imports squash from here

    text = fragment_text(markup)
    if text is not None:  # lxml's fast path takes no applet (nor any tag it does not know)
        return text
    soup = BeautifulSoup(markup, "html.parser")
    for applet in soup.find_all("applet"):  # active content, as script and style (which
        applet.decompose()                   # get_text skips itself); feedparser drops it too
    return element_text(soup)
