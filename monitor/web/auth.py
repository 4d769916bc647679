"""Which cookies the web app sets: `Secure` unless it serves only the loopback interface
(`web.secure_cookies`). The session use cases themselves are in monitor/services/sessions.py."""

from __future__ import annotations

import ipaddress

from monitor.config import Settings

__all__ = ["is_loopback", "secure_cookies"]


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secure_cookies(settings: Settings) -> bool:
    value = str(settings.get("web.secure_cookies")).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return not is_loopback(settings.get("web.host"))
