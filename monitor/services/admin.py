"""Installation-wide use cases: initialising the database, and the counts of `pantau stats`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
