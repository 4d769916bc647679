"""The scrapers' one error tree (house rule 6). Catch the narrowest type.

    ScraperError                 base: anything a source run can fail with
    ├── InvalidSource            bad configuration or option, refused URL scheme, private address
    ├── FetchError               network error, timeout, HTTP error after retries, too many
    │   │                        redirects, robots.txt disallows
    │   └── RateLimited          429 after retries, or a Retry-After beyond the cap
    └── ParseError               a response that cannot be read as the source type says

A cut (oversized) body is not an error of the client: the Snapshot says `truncated=True` and the
adapter records it in `FetchResult.errors` (interfaces.md §2: "cut and recorded as an error").
"""

from __future__ import annotations

__all__ = ["ScraperError", "InvalidSource", "FetchError", "RateLimited", "ParseError"]


class ScraperError(Exception):
    """Base of every error the scrapers raise."""


class InvalidSource(ScraperError):
    """The source cannot be fetched as configured (bad option, URL scheme or address)."""


class FetchError(ScraperError):
    """A request failed for good (after retries); `status` is the last HTTP status, if any."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RateLimited(FetchError):
    """The host asked us to slow down; `retry_after` (seconds) is its wish, when it said one."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class ParseError(ScraperError):
    """A response body that is not what the source type expects (bad JSON, no feed, ...)."""
