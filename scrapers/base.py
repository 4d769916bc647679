"""The adapter seam (architecture §6.2): the types every source adapter takes and returns.

The lead's pipeline codes against these names; adapters never see storage or settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from scrapers.errors import N_
from storage.errors import Message
from storage.records import PostRecord

if TYPE_CHECKING:
    from scrapers.client import PoliteClient

__all__ = ["FetchResult", "ScrapedPost", "Snapshot", "SourceAdapter", "SourceConfig"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class SourceConfig:
    """One configured source; `options` are type-specific (selectors, max_pages, respect_robots)."""

    name: str
    type: str
    url: str
    region: str | None = None
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class Snapshot:
    """One HTTP response (or file read), byte-exact after content decoding: the evidence."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime
    sha256: str
    truncated: bool = False

    @classmethod
    def build(
        cls,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        truncated: bool = False,
    ) -> Snapshot:
        """Stamp the time (UTC) and hash the body."""
        return cls(
            url=url,
            status=status,
            headers=MappingProxyType(dict(headers)),
            body=body,
            fetched_at=datetime.now(UTC),
            sha256=hashlib.sha256(body).hexdigest(),
            truncated=truncated,
        )


@dataclass(frozen=True)
class ScrapedPost:
    """A record plus the index (into FetchResult.snapshots) of the response it came from."""

    record: PostRecord
    snapshot: int


@dataclass
class FetchResult:
    """What one run of one source produced. `cursor` is JSON-serialisable and comes back next run.

    `listing`/`listing_since`: when the newest page lists everything posted since
    `listing_since`, the external ids on it; stored posts of that window absent from it may be
    deleted.
    """

    posts: list[ScrapedPost] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    not_modified: bool = False
    listing: frozenset[str] | None = None
    listing_since: datetime | None = None

    def add_snapshot(self, snapshot: Snapshot) -> int:
        """Keep a snapshot; record a cut body as an error. Returns its index."""
        self.snapshots.append(snapshot)
        if snapshot.truncated:
            self.errors.append(Message(
                N_("{url}: body cut at {size} bytes (max_response_bytes)"),
                url=snapshot.url, size=len(snapshot.body)))
        return len(self.snapshots) - 1


class SourceAdapter(Protocol):
    """One source type. `fetch` does the I/O through the client; parsing lives in pure functions.

    Raises InvalidSource for bad configuration and FetchError when the first request fails;
    later failures (a page, an item) go to `FetchResult.errors` and the run returns what it has.
    """

    type: ClassVar[str]

    async def fetch(
        self, source: SourceConfig, cursor: Mapping[str, Any], client: PoliteClient
    ) -> FetchResult: ...
