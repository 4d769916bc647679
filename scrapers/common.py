"""Compatibility names only: what this module held now lives in modules named by their job.

    options.py  opt_str, opt_bool, opt_int, respects_robots, DEFAULT_MAX_PAGES
    paging.py   source_get, text_parser, parse_snapshot, fetch_page, Page
    scraped.py  scraped (record → ScrapedPost with the source's region)
    ids.py      id_key (ordering of platform ids)
    dates.py    to_datetime (ISO 8601 from a response, never raising)

Kept so that modules outside the scrapers' own area (scrapers/files.py, scrapers/csv,
scrapers/jsonl) keep working until they import from those modules; new code must not use it.
"""

from __future__ import annotations

from scrapers.dates import to_datetime
from scrapers.ids import id_key
from scrapers.options import DEFAULT_MAX_PAGES, opt_bool, opt_int, opt_str, respects_robots
from scrapers.paging import Page, fetch_page, parse_snapshot, source_get, text_parser
from scrapers.scraped import scraped

__all__ = [
    "DEFAULT_MAX_PAGES",
    "Page",
    "fetch_page",
    "id_key",
    "opt_bool",
    "opt_int",
    "opt_str",
    "parse_snapshot",
    "respects_robots",
    "scraped",
    "source_get",
    "text_parser",
    "to_datetime",
]
