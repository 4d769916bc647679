"""The page step every adapter shares: GET with the source's robots option, keep the snapshot,
parse off the event loop. A parser failing in any way is recorded as the page's ParseError,
never raised past the adapter (hostile bodies must not crash a run)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from scrapers.base import FetchResult, Snapshot, SourceConfig
from scrapers.errors import N_, FetchError, InvalidSource, ParseError
from scrapers.options import respects_robots
from scrapers.text import decode_body
from storage.errors import Message, exception_text

if TYPE_CHECKING:
    from scrapers.client import PoliteClient

T = TypeVar("T")

__all__ = ["Page", "fetch_page", "parse_snapshot", "run_parser", "source_get", "text_parser"]

log = logging.getLogger(__name__)
# a parser's own words, cut so that "unreadable response (…)" stays within 500 characters
_ERROR_CHARS = 500 - len("unreadable response ()")


async def source_get(
    client: PoliteClient,
    source: SourceConfig,
    url: str,
    headers: Mapping[str, str] | None = None,
) -> Snapshot:
    """GET `url` for `source`, its `respect_robots` option applied (raises like client.get)."""
    return await client.get(url, headers=headers, respect_robots=respects_robots(source))


def text_parser(parse: Callable[[str], T]) -> Callable[[Snapshot], T]:
    """A text parser as a snapshot parser: the body goes through `decode_body` first."""

    def run(snapshot: Snapshot) -> T:
        return parse(decode_body(snapshot.body, snapshot.headers))

    return run


def run_parser(parse: Callable[[Snapshot], T], snapshot: Snapshot) -> T:
    """Run a pure parser; anything it raises besides InvalidSource becomes a ParseError."""
    try:
        return parse(snapshot)
    except (ParseError, InvalidSource):
        raise
    except (Exception, RecursionError) as exc:
        log.warning("parser failed on %s", snapshot.url, exc_info=True)
        # `Type: text`, the parser's own English words (cut) kept for scripts, its kind said
        # to readers as a label (storage.errors.exception_kind)
        error = exception_text(exc, limit=max(0, _ERROR_CHARS - len(type(exc).__name__) - 2))
        raise ParseError(N_("unreadable response ({error})"), error=error) from exc


async def parse_snapshot(
    result: FetchResult, url: str, snapshot: Snapshot, parse: Callable[[Snapshot], T]
) -> T | None:
    """Run a pure parser off the event loop; a ParseError is recorded (`url: reason`) → None."""
    try:
        return await asyncio.to_thread(run_parser, parse, snapshot)
    except ParseError as exc:
        # a Message, shown in the reader's language; "{url}: {error}" is structure, no id
        result.errors.append(Message("{url}: {error}", url=url, error=exc.as_message()))
        return None


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One fetched and parsed page of a paginated source."""

    snapshot: Snapshot
    index: int  # into FetchResult.snapshots
    parsed: T


async def fetch_page(
    client: PoliteClient,
    source: SourceConfig,
    url: str,
    result: FetchResult,
    parse: Callable[[Snapshot], T],
    *,
    first: bool,
    headers: Mapping[str, str] | None = None,
) -> Page[T] | None:
    """The page step of every paginated adapter: get, keep the snapshot, parse.

    The first page's FetchError propagates. None means stop paging: a later page failed to
    fetch or a page did not parse (both recorded in `result.errors`; the snapshot of a page
    that did not parse is kept as evidence).
    """
    try:
        snapshot = await source_get(client, source, url, headers)
    except FetchError as exc:
        if first:
            raise  # the first request failing fails the run
        result.errors.append(exc.as_message())
        return None
    index = result.add_snapshot(snapshot)
    parsed = await parse_snapshot(result, url, snapshot, parse)
    return None if parsed is None else Page(snapshot, index, parsed)
