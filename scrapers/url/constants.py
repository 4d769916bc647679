"""Single reported page ("url" sources)."""

PLATFORM = "web"
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "head",
)
TEXT_BLOCKS = ("p", "pre", "blockquote", "li", "h2", "h3", "td")
MIN_PARAGRAPH = 25
DATE_META = (
    "article:published_time",
    "og:published_time",
    "date",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "twitter:creator")
ARTICLE_ROOTS = "[itemprop=articleBody], article, main, [role=main]"
MIN_ARTICLE = 200
