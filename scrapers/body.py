"""Reading a response body safely: streamed, cut at a byte limit, decompressed by hand.

We ask only for gzip/deflate and inflate raw chunks ourselves with `max_length`, so a
decompression bomb never yields more than the limit in memory (httpx's own decoder inflates a
whole chunk at once).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from scrapers.errors import N_, FetchError

__all__ = ["ACCEPT_ENCODING", "read_limited"]

ACCEPT_ENCODING = "gzip, deflate"
_CHUNK = 64 * 1024


def _decompressor(encoding: str) -> zlib._Decompress | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, auto-detected
    raise FetchError(N_("unsupported Content-Encoding {encoding!r}"), encoding=encoding)


async def read_limited(
    chunks: AsyncIterator[bytes], content_encoding: str, limit: int
) -> tuple[bytes, bool]:
    """(decoded body, truncated) with at most `limit` decoded bytes kept."""
    inflater = _decompressor(content_encoding)
    out = bytearray()
    async for raw in chunks:
        if inflater is None:
            out += raw
        else:
            data = raw
            while data and len(out) <= limit:
                try:
                    out += inflater.decompress(data, limit + 1 - len(out))
                except zlib.error as exc:
                    raise FetchError(N_("corrupt {encoding} body: {error}"),
                                     encoding=content_encoding, error=str(exc)) from exc
                data = inflater.unconsumed_tail
        if len(out) > limit:
            return bytes(out[:limit]), True
    return bytes(out), False
