"""The scrapers' one error tree (house rule 6). Catch the narrowest type.

    ScraperError                 base: anything a source run can fail with
    ├── InvalidSource            bad configuration or option, refused URL scheme, private address
    ├── FetchError               network error, timeout, HTTP error after retries, too many
    │   │                        redirects, robots.txt disallows
    │   └── RateLimited          429 after retries, or a Retry-After longer than one request
    │                            waits: `retry_after` (capped) is when this source may retry
    └── ParseError               a response that cannot be read as the source type says

A cut (oversized) body is not an error of the client: the Snapshot says `truncated=True` and the
adapter records it in `FetchResult.errors` (interfaces.md §2: "cut and recorded as an error").

A failed source's error is shown to its users (`pantau sources list`, the web's sources table),
in Indonesian by default. Like storage's errors (storage.errors), these are raised with an English
template marked `N_` and its values, `FetchError(N_("{url}: HTTP {status}"), url=url,
status=503)`: `str(error)` is the English text (logs, tests, `sources.last_error`), `template`
and `params` are stored beside it, and the monitor renders them in the reader's language (the
templates are ids of the `cli` catalog: `make messages` extracts scrapers/ too). A value may be a
`storage.errors.Message`, translated with the rest; a message that is no template (a plain text,
as tests raise) is kept as it is in every language.
"""

from __future__ import annotations

from typing import Any

from storage.errors import N_, Message, TemplatedError

__all__ = [
    "N_",
    "FetchError",
    "InvalidSource",
    "ParseError",
    "RateLimited",
    "ScraperError",
    "error_reason",
    "item_error",
]


class ScraperError(TemplatedError):
    """Base of every error the scrapers raise: an English template and its values."""

    def __init__(self, template: str, **params: Any) -> None:
        try:
            super().__init__(template, **params)
        except (KeyError, IndexError, ValueError):
            # a text that does not fit its values is no template: kept as it is, never a crash
            # of the run that was reporting something else
            super().__init__(template)
            self.params = {}


class InvalidSource(ScraperError):
    """The source cannot be fetched as configured (bad option, URL scheme or address)."""


class FetchError(ScraperError):
    """A request failed for good (after retries); `status` is the last HTTP status, if any.

    `url` and `status` are values of the template too (`{url}`, `{status}`)."""

    def __init__(self, template: str, *, url: str = "", status: int | None = None,
                 **params: Any) -> None:
        super().__init__(template, url=url, status=status, **params)
        self.url = url
        self.status = status


class RateLimited(FetchError):
    """The host asked us to slow down.

    `retry_after`: seconds until this source may be fetched again, the host's Retry-After
    capped at the client's `max_retry_after` (None when the host named no time: use the
    source's usual backoff). `requested`: the uncapped value the host sent. It applies to the
    one source whose request received it, never to the host's other sources.
    """

    def __init__(
        self,
        template: str,
        *,
        url: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
        requested: float | None = None,
        **params: Any,
    ) -> None:
        super().__init__(template, url=url, status=status, **params)
        self.retry_after = retry_after
        self.requested = retry_after if requested is None else requested


class ParseError(ScraperError):
    """A response body that is not what the source type expects (bad JSON, no feed, ...)."""


def error_reason(exc: BaseException) -> str:
    """A failure as one line: our own errors by their message (a `Message`, shown in the
    reader's language), anything else with its type (English text)."""
    return exc.as_message() if isinstance(exc, ScraperError) else f"{type(exc).__name__}: {exc}"


def item_error(template: str, number: int, exc: BaseException, limit: int = 300) -> str:
    """One item's failure (the others are kept) as a `Message`: `template` (marked `N_`, with
    `{number}` and `{reason}`) and the item's number and `error_reason`. A reason too long for
    `limit` characters in all is cut first, so the whole stays a Message."""
    reason = error_reason(exc)
    error = Message(template, number=number, reason=reason)
    if len(error) <= limit:
        return error
    return Message(template, number=number,
                   reason=str(reason)[:max(0, limit - (len(error) - len(reason)))])
