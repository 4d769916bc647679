"""Conditional GET helpers: validators kept in a source's cursor, sent back next run."""

from __future__ import annotations

from typing import Any, Mapping

from scrapers.base import Snapshot

__all__ = ["conditional_headers", "validators"]


def conditional_headers(cursor: Mapping[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from a cursor written by `validators`."""
    headers: dict[str, str] = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = str(cursor["etag"])
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(cursor["last_modified"])
    return headers


def validators(snapshot: Snapshot) -> dict[str, str]:
    """The ETag / Last-Modified of a response, as cursor entries."""
    out: dict[str, str] = {}
    if snapshot.headers.get("etag"):
        out["etag"] = snapshot.headers["etag"]
    if snapshot.headers.get("last-modified"):
        out["last_modified"] = snapshot.headers["last-modified"]
    return out
