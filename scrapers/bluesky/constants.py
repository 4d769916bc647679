"""Bluesky public AppView XRPC (app.bsky.feed.getAuthorFeed, searchPosts, getFeed)."""

PLATFORM = "bluesky"
DEFAULT_MAX_PAGES = 5
WEB = "https://bsky.app/profile/{actor}/post/{rkey}"
REPOST = "app.bsky.feed.defs#reasonRepost"
