"""The active model of a running node, kept in step with the database's pointer.

`LiveScorer` is what the pipeline scores with; `refresh()` reads the pointer (one small query)
and loads the newly active version when it changed, so a promotion or rollback made on any node
reaches every `pantau run` within one scheduler cycle, without a restart, and is logged.
`watch()` does that every cycle and, when this node wins the claim, re-scores pending and
recent posts in the background (monitor.services.models.rescore).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from monitor.config import Settings
from monitor.services import models
from storage.db import Database
from storage.records import PostRecord

__all__ = ["LiveScorer", "watch"]

log = logging.getLogger(__name__)


class LiveScorer:
    """A Scorer that follows the registry's active pointer."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._lock = threading.Lock()
        self.model: Any = models.active_model(db, settings)

    @property
    def version(self) -> str:
        return str(self.model.version)

    @property
    def threshold(self) -> float:
        return float(self.model.threshold)

    def predict(self, records: Sequence[PostRecord],
                asn_status: Sequence[str | None] | None = None) -> Any:
        return self.model.predict(records, asn_status)

    def refresh(self) -> bool:
        """Load the active version if the pointer moved; True when it did."""
        wanted = models.active_version(self.db)
        if wanted is None or wanted == self.model.version:
            return False
        with self._lock:
            if wanted == self.model.version:
                return False
            new = models.load_version(self.db, wanted)
            log.info("model switched from=%s to=%s threshold=%.3f", self.model.version,
                     new.version, new.threshold)
            self.model = new
        return True


async def watch(scorer: LiveScorer, node: str, interval: float, stop: asyncio.Event) -> None:
    """Every `interval` seconds: follow the pointer, and re-score when this node claims it.
    A failure is logged and retried next cycle; it never stops the node."""
    rescoring: asyncio.Task[Any] | None = None
    while not stop.is_set():
        try:
            await asyncio.to_thread(scorer.refresh)
            if rescoring is None or rescoring.done():
                rescoring = asyncio.create_task(asyncio.to_thread(
                    models.rescore, scorer.db, scorer.settings, node, model=scorer.model))
        except Exception as exc:  # noqa: BLE001 (the node goes on)
            log.warning("model watch failed: %s", exc)
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    if rescoring is not None and not rescoring.done():
        rescoring.cancel()
