"""Ordering of platform ids (newest = largest), for cursors like Mastodon's `min_id`."""

from __future__ import annotations

import re

__all__ = ["id_key"]

_ASCII_DIGITS = re.compile(r"[0-9]+")


def id_key(value: str) -> tuple[int, str]:
    """Sort key: numeric ids by value, others (Akkoma flake ids) by length then text.

    Only ASCII digits count as numeric ("³".isdigit() is True too); no int() conversion, so an
    id of any length sorts without limit."""
    if _ASCII_DIGITS.fullmatch(value):
        digits = value.lstrip("0")
        return (len(digits), digits)
    return (len(value), value)
