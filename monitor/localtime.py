"""Times as people read them: a stored UTC instant shown in the deployment's zone, the zone
named (`01-12-2026 09:30 WITA`). One place for the web pages, the services' messages and the
evidence reports, so a time reads the same wherever it appears."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["ZONE_NAMES", "local_time", "zone_label"]

ZONE_NAMES = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
              "Asia/Jayapura": "WIT", "UTC": "UTC"}


def zone_label(zone: str) -> str:
    return ZONE_NAMES.get(zone, zone)


def local_time(value: str | datetime | None, zone: str, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A UTC instant (datetime or ISO text) in `zone`, the zone named; "—" for no time."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; Pantau stores UTC
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(ZoneInfo(zone)).strftime(fmt)} {zone_label(zone)}"
