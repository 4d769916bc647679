"""Any HTML page, read with CSS selectors from the source options."""

from scrapers.html.source import HtmlAdapter

__all__ = ["HtmlAdapter"]
