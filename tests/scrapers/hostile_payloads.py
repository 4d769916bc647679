"""Hostile response bodies shared by the hostile-server tests and bench/hostile_bench.py."""

from __future__ import annotations

import json
import zlib

# Python codecs that are not text encodings (or not WHATWG ones): as charset labels they
# crashed the adapters (codecs.lookup accepts them, bytes.decode raises or garbles).
NON_TEXT_LABELS = (
    "hex", "hex_codec", "base64", "base_64", "base64_codec", "rot13", "rot_13", "zlib", "zip",
    "zlib_codec", "bz2", "bz2_codec", "uu", "uu_codec", "quopri", "quotedprintable",
    "quoted_printable", "idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape",
    "utf-7", "utf-32", "mbcs", "replacement", "iso-2022-kr", "x-nonsense-\u00e9", "",
)


def gzip_bomb(unit: bytes, size: int) -> bytes:
    """`size` bytes of `unit` repeated, gzip-compressed (a few kB on the wire)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = unit * ((1 << 20) // len(unit))
    chunks = [deflater.compress(block) for _ in range(max(1, size // len(block)))]
    return b"".join(chunks) + deflater.flush()


def nested_tags(depth: int, tag: str = "div") -> bytes:
    return f"<html><body>{f'<{tag}>' * depth}x</body></html>".encode()


def deep_json(depth: int, kind: str) -> bytes:
    """A Mastodon status list or Bluesky feed whose first item holds `depth` nested arrays."""
    deep = "[" * depth + "]" * depth
    if kind == "mastodon":
        return f'[{{"id": "1", "content": "x", "language": {deep}}}]'.encode()
    return f'{{"feed": [{{"post": {{"uri": "at://a/b/c", "embed": {deep}}}}}]}}'.encode()


def mastodon_status(status_id: str, text: str) -> dict[str, object]:
    return {
        "id": status_id,
        "content": f"<p>{text}</p>",
        "created_at": "2024-01-01T00:00:00Z",
        "account": {"acct": "a", "display_name": "A"},
    }


def telegram_page(posts: list[tuple[str, str]], before: str | None = None) -> bytes:
    """A t.me/s page of (data-post, views) messages, optionally with a `data-before` link."""
    messages = "".join(
        f'<div class="tgme_widget_message" data-post="{post}"><div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text">pesan {post}</div>'
        f'<span class="tgme_widget_message_views">{views}</span></div></div>'
        for post, views in posts
    )
    more = f'<a class="tme_messages_more" data-before="{before}"></a>' if before else ""
    return f"<html><body>{more}{messages}</body></html>".encode()


def mastodon_json(count: int) -> bytes:
    return json.dumps([mastodon_status(str(i + 1), f"halo {i}") for i in range(count)]).encode()
