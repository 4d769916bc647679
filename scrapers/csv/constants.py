"""CSV with the interchange column names (interfaces.md §1)."""

AUTHOR_COLUMNS = {
    "author": "handle",
    "author_handle": "handle",
    "author.handle": "handle",
    "author_name": "name",
    "author.name": "name",
    "author_bio": "bio",
    "author.bio": "bio",
    "author_url": "url",
    "author.url": "url",
}
MEDIA_SUFFIXES = {
    "image": (".jpg", ".jpeg", ".png", ".gif", ".webp"),
    "video": (".mp4", ".webm", ".mov"),
    "audio": (".mp3", ".ogg", ".m4a"),
}
MAX_ERRORS = 1000
