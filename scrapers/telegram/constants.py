"""Telegram public channel web preview (https://t.me/s/<channel>)."""

import re

PLATFORM = "telegram"
DEFAULT_MAX_PAGES = 5
BACKGROUND_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)['\"]?\)")
