"""Mastodon public timelines and account statuses."""

from scrapers.mastodon.source import MastodonAdapter

__all__ = ["MastodonAdapter"]
