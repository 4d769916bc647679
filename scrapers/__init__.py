"""Pantau's source adapters: the seam (architecture §6.2), the one HTTP door and the registry.

Built-in adapters register exactly as a new one would: add its class to BUILTIN. Every adapter
has `type` and `async fetch(source, cursor, client) -> FetchResult`.
"""

from __future__ import annotations

from scrapers.base import FetchResult, ScrapedPost, Snapshot, SourceAdapter, SourceConfig
from scrapers.bluesky import BlueskyAdapter
from scrapers.client import ClientSettings, PoliteClient
from scrapers.csv import CsvAdapter
from scrapers.errors import (
    N_,
    FetchError,
    InvalidSource,
    ParseError,
    RateLimited,
    ScraperError,
)
from scrapers.html import HtmlAdapter
from scrapers.jsonl import JsonlAdapter
from scrapers.mastodon import MastodonAdapter
from scrapers.rss import RssAdapter
from scrapers.telegram import TelegramAdapter
from scrapers.url import UrlAdapter

__all__ = [
    "ADAPTERS",
    "BUILTIN",
    "ClientSettings",
    "FetchError",
    "FetchResult",
    "InvalidSource",
    "ParseError",
    "PoliteClient",
    "RateLimited",
    "ScrapedPost",
    "ScraperError",
    "Snapshot",
    "SourceAdapter",
    "SourceConfig",
    "get_adapter",
]

BUILTIN: tuple[type[SourceAdapter], ...] = (
    RssAdapter,
    TelegramAdapter,
    MastodonAdapter,
    BlueskyAdapter,
    HtmlAdapter,
    JsonlAdapter,
    CsvAdapter,
    UrlAdapter,
)
ADAPTERS: dict[str, type[SourceAdapter]] = {adapter.type: adapter for adapter in BUILTIN}


def get_adapter(source_type: str) -> SourceAdapter:
    """A fresh adapter for a source type; InvalidSource names the known types otherwise."""
    try:
        return ADAPTERS[source_type]()
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise InvalidSource(N_("unknown source type {type!r} (known: {known})"), type=source_type,
                            known=known) from None
