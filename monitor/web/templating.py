"""Jinja2 environments, one per language, with the `web` gettext catalog installed.

One environment per language (not one re-bound per request) so concurrent requests in different
languages never see each other's translations. Autoescaping is on everywhere: scraped text is
hostile, and the only Markup built in Python is `highlight`, which escapes before marking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from monitor.i18n import LANGUAGES, translations
from monitor.localtime import local_time, zone_label
from monitor.web.mobilisation import roles_wording
from monitor.web.words import word

__all__ = ["TEMPLATES", "environment", "highlight", "local_time", "message_gettext",
           "zone_label"]

TEMPLATES = Path(__file__).with_name("templates")
def highlight(text: str, terms: Iterable[str]) -> Markup:
    """Text escaped, with the explanation's terms wrapped in <mark> (case-insensitive). Terms
    are matched on the raw text and each piece escaped on its own, so a term can never cut an
    escaped entity such as `&amp;` in two."""
    words = sorted({t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words[:30]), re.IGNORECASE)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces += [str(escape(text[last:match.start()])), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    pieces.append(str(escape(text[last:])))
    return Markup("".join(pieces))


def message_gettext(language: str) -> Callable[[str], str]:
    """`gettext` for messages raised elsewhere and shown on a page: the web's own ids are in the
    web catalog, the use cases', storage's and the scrapers' (their errors' templates) in the
    cli catalog."""
    web, cli = translations(language, "web").gettext, translations(language, "cli").gettext

    def either(message_id: str) -> str:
        found = web(message_id)
        return found if found != message_id else cli(message_id)

    return either


@cache
def environment(language: str) -> Environment:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    catalog = translations(language, "web")
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    env.globals["word"] = lambda table, code: catalog.gettext(word(table, code))
    env.globals["mobilisation_wording"] = lambda roles: roles_wording(roles, catalog.gettext)
    messages = message_gettext(language)
    # a source's last error in the page language (a scraper's error from its stored template)
    env.globals["last_error"] = lambda source: source.last_error_in(messages)
    env.filters["highlight"] = highlight
    env.filters["pct"] = lambda v: f"{float(v) * 100:.0f}%"
    return env


def render(language: str, name: str, context: dict[str, Any]) -> str:
    return environment(language).get_template(name).render(context)
