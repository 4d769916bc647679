"""Installation-wide use cases: initialising the database, and the counts of `pantau stats`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from monitor.config import Settings
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.audit import append_audit
from storage.counts import counts
from storage.db import Database
from storage.migrate import upgrade

__all__ = ["Initialised", "initialise", "stats"]


@dataclass(frozen=True)
class Initialised:
    before: str | None
    after: str

    @property
    def state(self) -> str:
        if self.before is None:
            return "created"
        return "already current" if self.before == self.after else f"migrated from {self.before}"


def initialise(db: Database, actor: Actor) -> Initialised:
    """Create or migrate the schema (idempotent); a change is audited, a no-op is not."""
    require(actor, Right.ADMINISTER)
    before, after = upgrade(db)
    if before != after:
        with db.session() as session:
            append_audit(session, actor=actor.name, action="init", entity="database",
                         details={"from": before, "to": after})
    return Initialised(before, after)


def stats(db: Database, actor: Actor, model_version: str | None) -> dict[str, Any]:
    """The `pantau stats --json` document (interfaces.md §3, more keys allowed)."""
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        totals = counts(session)
    return {"posts": totals.posts, "flagged": totals.flagged, **totals.by_status,
            "sources": totals.sources, "model_version": model_version}


def active_model_version(settings: Settings) -> str | None:
    """The active model's version from the registry's pointer file alone (classifier/registry.py
    layout: `<models_dir>/active.json`), so `pantau stats` neither loads scikit-learn nor reads
    and verifies the model file. None when no model was promoted yet or the pointer is unreadable."""
    pointer = settings.models_dir / "active.json"
    try:
        active = json.loads(pointer.read_text(encoding="utf-8")).get("active")
    except (OSError, ValueError, AttributeError):
        return None
    return str(active) if active else None
