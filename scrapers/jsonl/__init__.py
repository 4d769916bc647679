"""Interchange JSON Lines files."""

from scrapers.jsonl.source import JsonlAdapter

__all__ = ["JsonlAdapter"]
