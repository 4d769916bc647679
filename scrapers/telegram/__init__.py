"""Telegram public channels through the t.me/s web preview."""

from scrapers.telegram.source import TelegramAdapter

__all__ = ["TelegramAdapter"]
