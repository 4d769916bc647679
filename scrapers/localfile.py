"""file:// URLs (local demo packs and interchange files): read like a response body."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from scrapers.base import Snapshot
from scrapers.errors import N_, FetchError
from storage.errors import os_reason

__all__ = ["read_file_url"]


def read_file_url(url: str, limit: int) -> Snapshot:
    """The file itself as a 200 Snapshot, cut at `limit` bytes (FetchError if unreadable)."""
    try:
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        with path.open("rb") as handle:
            body = handle.read(limit + 1)
    except (OSError, ValueError) as exc:
        reason = os_reason(exc)  # the system's words, said as a short reason when known
        raise FetchError(N_("{url}: cannot read: {reason}"), url=url, reason=reason) from exc
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Snapshot.build(
        url, 200, {"content-type": kind}, body[:limit], truncated=len(body) > limit
    )
