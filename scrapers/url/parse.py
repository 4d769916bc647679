"""One web page → one PostRecord (pure): metadata plus the main text.

Main text: trafilatura's extraction (precision-favouring: on the captured pages the default
mode pulls in unrelated side articles) on the bounded lxml tree. When it finds nothing, the
fallback is `main_text`: inside the page's <article>/<main> when it has one, the element whose
paragraphs carry the most text (each paragraph's length counts for its parent and half for its
grandparent), after dropping scripts, navigation, headers, footers and forms. JSON-LD
`articleBody` wins when longer; the meta description is put first when the body does not
contain it (a lead kept apart).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bs4 import BeautifulSoup, Tag
from lxml.html import HtmlElement

from scrapers.bounded import PageBudget, parse_html
from scrapers.text import element_text, squash
from scrapers.url.constants import (
    ARTICLE_ROOTS,
    DROP_TAGS,
    MIN_ARTICLE,
    MIN_PARAGRAPH,
    PLATFORM,
    TEXT_BLOCKS,
)
from scrapers.url.metadata import json_ld, meta, page_author, page_date, page_title
from storage.records import Author, Media, PostRecord

__all__ = ["extracted_text", "main_text", "parse_page"]


def _best_container(soup: Tag) -> Tag | None:
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for block in soup.find_all(TEXT_BLOCKS):
        length = len(squash(block.get_text(" ")))
        if length < MIN_PARAGRAPH:
            continue
        for parent, weight in ((block.parent, 1.0), (block.parent and block.parent.parent, 0.5)):
            if isinstance(parent, Tag):
                scores[id(parent)] += length * weight
                nodes[id(parent)] = parent
    if not scores:
        return soup.body if isinstance(soup.body, Tag) else soup
    return nodes[max(scores, key=lambda key: scores[key])]


def _root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """An explicit article element with enough paragraph text, else the whole page."""
    for candidate in soup.select(ARTICLE_ROOTS):
        paragraphs = candidate.find_all(TEXT_BLOCKS)
        if sum(len(squash(p.get_text(" "))) for p in paragraphs) >= MIN_ARTICLE:
            return candidate
    return soup


def main_text(soup: BeautifulSoup) -> str:
    """The page's main text (drops boilerplate elements from `soup` in place)."""
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    root = _root(soup)
    best = _best_container(root) if isinstance(root, Tag) else _best_container(soup)
    return element_text(best) if best is not None else ""


def extracted_text(tree: HtmlElement) -> str:
    """trafilatura's main text of a page tree ("" when it finds none). Imported here: it costs
    ~0.5 s at start-up, which every other source type would pay before its first fetch."""
    import trafilatura

    text = trafilatura.extract(
        tree,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        deduplicate=False,
        output_format="txt",
    )
    return squash(text or "")


def _extra(soup: BeautifulSoup, title: str, final_url: str) -> dict[str, Any]:
    html = soup.find("html")
    canonical = soup.select_one("link[rel=canonical][href]")
    html_title = soup.find("title")
    return {
        "title": title,
        "html_title": squash(html_title.get_text()) if isinstance(html_title, Tag) else "",
        "lang": str(html.get("lang") or "") if isinstance(html, Tag) else "",
        "canonical": str(canonical["href"]).strip() if canonical is not None else None,
        "description": meta(soup, "og:description", "description", "twitter:description"),
        "site_name": meta(soup, "og:site_name"),
        "final_url": final_url,
    }


def parse_page(markup: str, url: str, final_url: str, platform: str = PLATFORM) -> PostRecord:
    """The record of a reported page; external_id is the URL it was reported as.
    Raises ParseError beyond the element, depth and time limits (scrapers.bounded)."""
    budget = PageBudget()
    extracted = extracted_text(parse_html(markup, budget))
    budget.check("main-text extraction")
    soup = BeautifulSoup(markup, "lxml")
    ld = json_ld(soup)
    title, author, posted = page_title(soup, ld), page_author(soup, ld), page_date(soup, ld)
    image = meta(soup, "og:image", "twitter:image")
    extra = _extra(soup, title, final_url)
    heuristic = main_text(soup)  # also drops boilerplate, so the h1 below is the content's
    body = extracted or heuristic
    h1 = soup.find("h1")  # after boilerplate removal: a heading of the content, not the site
    extra["h1"] = squash(h1.get_text(" ")) if isinstance(h1, Tag) else ""
    article_body = next((squash(str(o["articleBody"])) for o in ld if o.get("articleBody")), "")
    body = article_body if len(article_body) > len(body) else body
    lead = extra["description"]
    if len(lead) >= MIN_ARTICLE // 5 and lead[:60] not in body:
        body = f"{lead}\n\n{body}"  # a standfirst kept outside the body container (DW)
    text = body if not title or title in body[: len(title) + 200] else f"{title}\n\n{body}"
    return PostRecord(
        platform=platform,
        external_id=url,
        text=text.strip(),
        url=final_url,
        author=Author(name=author),
        posted_at=posted,
        media=(Media(url=image, type="image"),) if image else (),
        extra=extra,
    )
