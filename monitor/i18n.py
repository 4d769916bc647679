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
           "compile_po"]

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
    return gettext.GNUTranslations(io.BytesIO(compile_po(path.read_text(encoding="utf-8"))))


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
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), text[1:-1])


class _Entry:
    __slots__ = ("context", "ids", "strings", "fuzzy")

    def __init__(self) -> None:
        self.context: str | None = None
        self.ids: list[str] = []  # msgid, then msgid_plural if any
        self.strings: dict[int, str] = {}  # msgstr (index 0) or msgstr[N]
        self.fuzzy = False


def _entries(text: str) -> list[_Entry]:
    """The active (not obsolete) entries of a .po file, the header (msgid "") first if any."""
    entries: list[_Entry] = []
    entry = _Entry()
    field: tuple[str, int] | None = None  # what a continuation line extends
    fields: dict[tuple[str, int], list[str]] = {}

    def flush() -> None:
        nonlocal entry, field, fields
        if entry.ids or fields:
            for (kind, index), parts in fields.items():
                value = "".join(parts)
                if kind == "ctxt":
                    entry.context = value
                elif kind == "id":
                    while len(entry.ids) <= index:
                        entry.ids.append("")
                    entry.ids[index] = value
                else:
                    entry.strings[index] = value
            if entry.ids:
                entries.append(entry)
        entry, field, fields = _Entry(), None, {}

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if any(kind == "str" for kind, _ in fields):
                flush()  # a comment after a msgstr starts the next entry
            if line.startswith("#,"):
                entry.fuzzy = entry.fuzzy or "fuzzy" in (f.strip() for f in line[2:].split(","))
            continue  # comments, references, previous ids (#|), obsolete entries (#~)
        if line.startswith('"'):
            if field is not None:
                fields[field].append(_unquote(line))
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(kind == "str" for kind, _ in fields):
            flush()
        if keyword == "msgctxt":
            field = ("ctxt", 0)
        elif keyword == "msgid":
            field = ("id", 0)
        elif keyword == "msgid_plural":
            field = ("id", 1)
        elif keyword == "msgstr":
            field = ("str", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            field = ("str", int(keyword[7:-1]))
        else:
            raise ValueError(f"unexpected .po line: {raw!r}")
        fields[field] = [_unquote(value.strip())]
    flush()
    return entries


def compile_po(text: str) -> bytes:
    """A .po file's text as the .mo bytes Babel's `write_mo(read_po(...), use_fuzzy=False)`
    holds for its messages: untranslated and fuzzy entries out, empty plural forms as the id."""
    entries = _entries(text)
    header = next((e for e in entries if e.ids == [""] and e.context is None), None)
    header_text = header.strings.get(0, "") if header else ""
    counted = _NPLURALS.search(header_text)
    nplurals = int(counted.group(1)) if counted else 2
    compiled: dict[bytes, bytes] = {b"": header_text.encode()}
    for entry in entries:
        if entry is header:
            continue
        if len(entry.ids) > 1:
            forms = [entry.strings.get(i, "") for i in range(nplurals)]
            if not forms:  # Babel keeps an entry with a tuple of forms, even all empty ones
                continue
            key = "\x00".join(entry.ids[:2])
            value = "\x00".join(form or entry.ids[min(i, 1)] for i, form in enumerate(forms))
        else:
            key, value = entry.ids[0], entry.strings.get(0, "")
            if not value:
                continue
        if entry.fuzzy:
            continue
        if entry.context is not None:
            key = f"{entry.context}\x04{key}"
        compiled[key.encode()] = value.encode()
    return _mo_bytes(compiled)


def _mo_bytes(messages: dict[bytes, bytes]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) of `messages`, keys sorted."""
    keys = sorted(messages)
    ids, strs, offsets = bytearray(), bytearray(), []
    for key in keys:
        value = messages[key]
        offsets.append((len(ids), len(key), len(strs), len(value)))
        ids += key + b"\x00"
        strs += value + b"\x00"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    table: list[int] = []
    for key_offset, key_length, _o, _l in offsets:
        table += [key_length, key_offset + keystart]
    for _o, _l, value_offset, value_length in offsets:
        table += [value_length, value_offset + valuestart]
    head = struct.pack("<Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return head + struct.pack(f"<{len(table)}i", *table) + bytes(ids) + bytes(strs)
