"""Conditional GET helpers: validators kept in a source's cursor, sent back next run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scrapers.base import Snapshot

__all__ = ["conditional_headers", "validators"]


_VALIDATOR = re.compile(r"[\x20-\x7e]{1,1024}")  # printable ASCII: safe to send back


def conditional_headers(cursor: Mapping[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from a cursor written by `validators`."""
    headers: dict[str, str] = {}
    etag, modified = str(cursor.get("etag") or ""), str(cursor.get("last_modified") or "")
    if _VALIDATOR.fullmatch(etag):
        headers["If-None-Match"] = etag
    if _VALIDATOR.fullmatch(modified):
        headers["If-Modified-Since"] = modified
    return headers


def validators(snapshot: Snapshot) -> dict[str, str]:
    """The ETag / Last-Modified of a response, as cursor entries."""
    out: dict[str, str] = {}
    etag, modified = snapshot.headers.get("etag", ""), snapshot.headers.get("last-modified", "")
    if _VALIDATOR.fullmatch(etag):
        out["etag"] = etag
    if _VALIDATOR.fullmatch(modified):
        out["last_modified"] = modified
    return out
