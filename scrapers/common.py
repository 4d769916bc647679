"""Small pieces every adapter uses: the page-fetch step, option parsing, record finishing, id
ordering."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Mapping, TypeVar

from scrapers.base import FetchResult, ScrapedPost, Snapshot, SourceConfig
from scrapers.errors import FetchError, InvalidSource, ParseError
from scrapers.text import decode_body
from storage.records import InvalidRecord, PostRecord, parse_datetime

if TYPE_CHECKING:
    from scrapers.client import PoliteClient

T = TypeVar("T")

__all__ = [
    "Page",
    "source_get",
    "parse_snapshot",
    "text_parser",
    "fetch_page",
    "DEFAULT_MAX_PAGES",
    "opt_bool",
    "opt_int",
    "opt_str",
    "respects_robots",
    "scraped",
    "id_key",
    "to_datetime",
]

DEFAULT_MAX_PAGES = 5


def opt_str(source: SourceConfig, key: str, default: str | None = None) -> str | None:
    value = source.options.get(key, default)
    return None if value is None else str(value)


def opt_bool(source: SourceConfig, key: str, default: bool) -> bool:
    """Options come from TOML (typed) or `--option k=v` (strings): accept both."""
    value = source.options.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InvalidSource(f"source {source.name}: option {key} must be true/false, got {value!r}")


def opt_int(source: SourceConfig, key: str, default: int, minimum: int = 1) -> int:
    value = source.options.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidSource(f"source {source.name}: option {key} must be a whole number") from None
    if number < minimum or isinstance(value, bool):
        raise InvalidSource(f"source {source.name}: option {key} must be ≥ {minimum}")
    return number


def respects_robots(source: SourceConfig) -> bool:
    return opt_bool(source, "respect_robots", True)


def scraped(record: PostRecord, source: SourceConfig, snapshot: int) -> ScrapedPost:
    """Wrap a parsed record, filling the region from the source when the post has none."""
    if record.region is None and source.region:
        record = dataclasses.replace(record, region=source.region)
    return ScrapedPost(record=record, snapshot=snapshot)


def id_key(value: str) -> tuple[int, str]:
    """Sort key for platform ids: numeric ids by value, others (Akkoma flake ids) by length+text."""
    return (
        (len(value), value) if not value.isdigit() else (len(value.lstrip("0")), value.lstrip("0"))
    )


def to_datetime(value: Any) -> datetime | None:
    """An ISO 8601 string → aware UTC datetime, or None when absent/unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_datetime(value)
    except InvalidRecord:
        return None


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


async def parse_snapshot(
    result: FetchResult, url: str, snapshot: Snapshot, parse: Callable[[Snapshot], T]
) -> T | None:
    """Run a pure parser off the event loop; a ParseError is recorded (`url: reason`) → None."""
    try:
        return await asyncio.to_thread(parse, snapshot)
    except ParseError as exc:
        result.errors.append(f"{url}: {exc}")
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
        result.errors.append(str(exc))
        return None
    index = result.add_snapshot(snapshot)
    parsed = await parse_snapshot(result, url, snapshot, parse)
    return None if parsed is None else Page(snapshot, index, parsed)
