"""How review states read in tables and detail views (JSON keeps the English values)."""

from __future__ import annotations

from monitor.cli.app import _

__all__ = ["status_label"]


def status_label(status: str) -> str:
    labels = {
        "pending": _("pending"),
        "awaiting_second_review": _("2nd review"),
        "confirmed": _("confirmed"),
        "rejected": _("rejected"),
        "escalated": _("escalated"),
    }
    return labels.get(status, status)
