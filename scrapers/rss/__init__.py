"""RSS 0.9x/1.0/2.0, Atom and YouTube channel feeds."""

from scrapers.rss.source import RssAdapter

__all__ = ["RssAdapter"]
