"""Generic HTML pages read with CSS selectors from the source options."""

PLATFORM = "web"
DEFAULT_MAX_PAGES = 5
SELECTOR_OPTIONS = ("item", "text", "id", "author", "date", "link", "next")
KNOWN_IDS_KEPT = 100
