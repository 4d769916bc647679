"""Translations: Bahasa Indonesia by default, English available, from gettext catalogs.

Catalogs live in `monitor/locale/<lang>/LC_MESSAGES/<domain>.po` (domains: `cli` for the command
line, `web` for the web app). Message ids are English. The `.po` files are read directly (through
Babel) and compiled in memory, so there is no build step and no compiled file to keep in sync.
Update them with `make messages` (pybabel extract + update).
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LOCALE_DIR", "translations", "resolve_language",
           "cli_language", "gettext_for", "ngettext_for"]

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALE_DIR = Path(__file__).with_name("locale")


def resolve_language(value: str | None) -> str:
    """A supported language code from a user's choice (`en`, `en_US.UTF-8`, `id-ID`), else id."""
    if not value:
        return DEFAULT_LANGUAGE
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(language: str, domain: str) -> gettext.NullTranslations:
    """The catalog of one language and domain; a missing catalog falls back to the English ids."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def cli_language() -> str:
    """The command line's language: `PANTAU_LANG`, else Indonesian (not the shell's LANG, which on
    servers is usually C or en_US and would hide the default language from its users)."""
    return resolve_language(os.environ.get("PANTAU_LANG"))


def gettext_for(language: str, domain: str = "cli") -> Callable[[str], str]:
    """`_` for one language: `_ = gettext_for("id"); _("Rejected")`."""
    return translations(resolve_language(language), domain).gettext


def ngettext_for(language: str, domain: str = "cli") -> Callable[[str, str, int], str]:
    return translations(resolve_language(language), domain).ngettext
