"""A raw capture made readable as plain text (shown escaped, never rendered as HTML)."""

from __future__ import annotations

from charset_normalizer import from_bytes

__all__ = ["MAX_SHOWN", "readable"]

MAX_SHOWN = 100_000  # characters of a capture shown on the item page


def readable(body: bytes, content_type: str = "") -> str:
    """The capture decoded (declared charset, else detected, else UTF-8 with replacements)."""
    head = body[: MAX_SHOWN * 4]
    charset = ""
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    try:
        text = head.decode(charset) if charset else head.decode("utf-8")
    except (LookupError, UnicodeDecodeError):
        best = from_bytes(head).best()
        text = str(best) if best is not None else head.decode("utf-8", "replace")
    return text[:MAX_SHOWN]
