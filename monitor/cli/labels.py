"""How states and counters read in tables and summaries (JSON keeps the English keys)."""

from __future__ import annotations

from monitor.cli.app import _
from monitor.errors import N_

__all__ = ["status_label", "label"]

_STATUS = {
    "pending": N_("pending"),
    "awaiting_second_review": N_("2nd review"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "escalated": N_("escalated"),
}
_LABELS = {
    "posts": N_("posts"), "flagged": N_("flagged"), "sources": N_("sources"),
    "fetched": N_("fetched"),
    "model_version": N_("model_version"), "received": N_("received"), "new": N_("new"),
    "updated": N_("updated"), "unchanged": N_("unchanged"), "rejected": N_("rejected"),
    "scored": N_("scored"), "queued": N_("queued"), "duplicates": N_("duplicates"),
    "created": N_("created"), "already current": N_("already current"),
}


def status_label(status: str) -> str:
    return _(_STATUS[status]) if status in _STATUS else status


def label(key: str) -> str:
    """A summary or stats key in the reader's language (review states included)."""
    if key in _STATUS:
        return status_label(key)
    return _(_LABELS[key]) if key in _LABELS else key
