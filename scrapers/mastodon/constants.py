"""Mastodon public REST API (timelines, account statuses)."""

import re

PLATFORM = "mastodon"
DEFAULT_MAX_PAGES = 5
LINK = re.compile(r"<([^>]+)>\s*;\s*rel=\"?([\w-]+)\"?")
MEDIA_TYPES = {"image": "image", "gifv": "video", "video": "video", "audio": "audio"}
