"""Bluesky public AppView feeds and searches."""

from scrapers.bluesky.source import BlueskyAdapter

__all__ = ["BlueskyAdapter"]
