"""Single pages reported by the public or a monitor."""

from scrapers.url.source import UrlAdapter

__all__ = ["UrlAdapter"]
