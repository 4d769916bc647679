"""Interchange JSON Lines (interfaces.md §1)."""

MAX_ERRORS = 1000
