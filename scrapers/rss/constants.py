"""RSS/Atom adapter constants."""

PLATFORM = "rss"
YOUTUBE_PLATFORM = "youtube"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
MEDIA_KINDS = ("image", "video", "audio")
