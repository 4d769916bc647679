"""Translations: Bahasa Indonesia by default, English available, from gettext catalogs.

Catalogs live in `monitor/locale/<lang>/LC_MESSAGES/<domain>.po` (domains: `cli` for the command
line, `web` for the web app). Message ids are English. The `.po` files are read directly and
compiled in memory, so there is no build step and no compiled file to keep in sync. Update them
with `make messages` (pybabel extract + update).

The `.po` reader here is a small one of this module's own, not Babel's: `pantau --help` is
translated and must start fast, and importing Babel's reader costs more than the whole command
line's start-up. It reads what `pybabel update` writes (msgctxt, msgid, msgid_plural, msgstr[N],
continuation lines, flags, obsolete `#~` entries) and compiles it exactly as Babel's
`read_po` + `write_mo(use_fuzzy=False)` do: fuzzy and untranslated entries are left out (their
English id is shown), an empty plural form falls back to the id. tests/monitor/test_po_reader.py
checks that it gives exactly what Babel gives for every message of every catalog.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import struct
from collections.abc import Callable
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LOCALE_DIR", "translations", "resolve_language",
           "cli_language", "gettext_for", "ngettext_for", "cli_gettext", "cli_ngettext",
           "compile_po", "po_messages"]

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
    return compile_po(path.read_text(encoding="utf-8"))


def cli_language() -> str:
    """The command line's language: `PANTAU_LANG`, else Indonesian (not the shell's LANG, which on
    servers is usually C or en_US and would hide the default language from its users)."""
    return resolve_language(os.environ.get("PANTAU_LANG"))


def gettext_for(language: str, domain: str = "cli") -> Callable[[str], str]:
    """`_` for one language: `_ = gettext_for("id"); _("Rejected")`."""
    return translations(resolve_language(language), domain).gettext


def ngettext_for(language: str, domain: str = "cli") -> Callable[[str, str, int], str]:
    return translations(resolve_language(language), domain).ngettext


def cli_gettext(message: str) -> str:
    """`message` in the command line's language, looked up now (PANTAU_LANG is read per call)."""
    return translations(cli_language(), "cli").gettext(message)


def cli_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(cli_language(), "cli").ngettext(singular, plural, n)


# --- the .po reader -------------------------------------------------------------------------

_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def _unquote(text: str) -> str:
    """A quoted .po string's value, unescaped as Babel's `pofile.unescape` does."""
    inner = text[1:-1]
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), inner)


# An entry: (msgctxt or None, [msgid, msgid_plural?], [(index, msgstr)], fuzzy, obsolete).
_Entry = tuple[str | None, list[str], list[tuple[int, str]], bool, bool]


def _entries(text: str) -> list[_Entry]:
    """Every entry of a .po file, in order, read with the rules of Babel's PoFileParser: blank
    lines separate nothing, an entry ends at the next msgid/msgctxt or comment, `#~` lines are
    an obsolete entry's, `#,` lines hold the flags of the entry that follows."""
    entries: list[_Entry] = []
    context: list[str] | None = None
    ids: list[list[str]] = []
    strings: list[tuple[int, list[str]]] = []
    fuzzy = obsolete = False
    target: list[str] | None = None  # what a continuation line ("...") extends

    def finish() -> None:
        nonlocal context, ids, strings, fuzzy, obsolete, target
        if not ids:  # flags and a msgctxt wait for their msgid
            return
        entries.append(("".join(context) if context is not None else None,
                        ["".join(parts) for parts in ids],
                        [(i, "".join(parts)) for i, parts in strings] or [(0, "")],
                        fuzzy, obsolete))
        context, ids, strings, fuzzy, obsolete, target = None, [], [], False, False, None

    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        is_obsolete = False
        if line[0] == "#":
            if line[1:2] != "~":
                finish()
                if line[1:2] == ",":
                    fuzzy = fuzzy or "fuzzy" in (f.strip() for f in line[2:].lstrip().split(","))
                continue
            line, is_obsolete = line[2:].lstrip(), True
            if not line:
                continue
        if line[0] == '"':
            if target is not None:
                target.append(_unquote(line))
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgid", "msgctxt"):
            finish()
        obsolete = is_obsolete
        target = [_unquote(value.strip())]
        if keyword in ("msgid", "msgid_plural"):
            ids.append(target)
        elif keyword == "msgctxt":
            context = target
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            _kw, bracket, index = keyword.partition("[")
            if value.strip() == '""':
                target = []
            strings.append((int(index[:-1]) if bracket else 0, target))
        else:
            raise ValueError(f"unexpected .po line: {line!r}")
    finish()
    return entries


def po_messages(text: str) -> tuple[str, dict[str | tuple[str, int], str]]:
    """A .po file's header and its messages as `gettext.GNUTranslations` holds those of the .mo
    Babel's `write_mo(read_po(...), use_fuzzy=False)` writes: untranslated, fuzzy and obsolete
    entries out, a context as `context\x04id`, plural forms under (id, n), an empty plural form
    as the id. (The header is the file's own; Babel writes one regenerated from it.)"""
    entries = [e for e in _entries(text) if not e[4]]
    header = next((e[2][0][1] for e in entries if e[1] == [""]), "")
    counted = _NPLURALS.search(header)
    nplurals = int(counted.group(1)) if counted else 2
    messages: dict[str | tuple[str, int], str] = {}
    for context, ids, strings, fuzzy, _obsolete in entries:
        if fuzzy or not ids[0] and len(ids) == 1:
            continue
        prefix = f"{context}\x04" if context else ""
        if len(ids) > 1:
            forms = [""] * nplurals
            for index, form in sorted(strings):
                if index < nplurals:
                    forms[index] = form
            for n, form in enumerate(forms):
                messages[(prefix + ids[0], n)] = form or ids[min(n, 1)]
        elif strings[0][1]:
            messages[prefix + ids[0]] = strings[0][1]
    return header, messages


def compile_po(text: str) -> gettext.GNUTranslations:
    """A .po file's text as a `gettext.GNUTranslations`: its header (charset, plural rule) read
    by gettext itself from a one-entry .mo, then its messages."""
    header, messages = po_messages(text)
    catalog = gettext.GNUTranslations(io.BytesIO(_header_mo(header.encode())))
    catalog._catalog.update(messages)  # type: ignore[attr-defined]
    return catalog


def _header_mo(header: bytes) -> bytes:
    """A GNU .mo file (little-endian, no hash table) holding only the header, id ""."""
    keystart = 7 * 4 + 16
    return (struct.pack("<Iiiiiii", 0x950412DE, 0, 1, 7 * 4, 7 * 4 + 8, 0, 0)
            + struct.pack("<4i", 0, keystart, len(header), keystart + 1) + b"\x00" + header
            + b"\x00")
