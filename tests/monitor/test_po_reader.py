"""monitor.i18n reads the .po catalogs with its own small reader (Babel's costs more than the
command line's whole start-up): it must give exactly what Babel's read_po + write_mo give."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from monitor.i18n import LOCALE_DIR, compile_po, translations

CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def babel_translations(text: str, language: str) -> gettext.GNUTranslations:
    catalog = read_po(io.BytesIO(text.encode("utf-8")), locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def ours(text: str) -> gettext.GNUTranslations:
    return compile_po(text)


def assert_same(text: str, language: str) -> None:
    expected, got = babel_translations(text, language), ours(text)
    # the header ("") is Babel's regenerated one there and the file's own here: compare what
    # gettext takes from it, the charset and the plural rule
    assert {k: v for k, v in got._catalog.items() if k != ""} == {  # type: ignore[attr-defined]
        k: v for k, v in expected._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert got.charset() == expected.charset()
    assert [got.plural(n) for n in range(12)] == [  # type: ignore[attr-defined]
        expected.plural(n) for n in range(12)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: "/".join(p.parts[-3:]))
def test_every_message_of_every_catalog_reads_as_babel_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert_same(text, path.parts[-3])
    catalog = read_po(io.BytesIO(text.encode("utf-8")), locale=path.parts[-3])
    loaded = translations(path.parts[-3], path.stem)
    reference = babel_translations(text, path.parts[-3])
    for message in catalog:  # and the loaded catalog answers each id as Babel's would
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in (0, 1, 2, 5):
                assert loaded.ngettext(message.id[0], message.id[1], n) == reference.ngettext(
                    message.id[0], message.id[1], n)
        elif message.context:
            assert loaded.pgettext(message.context, message.id) == reference.pgettext(
                message.context, message.id)
        else:
            assert loaded.gettext(message.id) == reference.gettext(message.id)


HEADER = ('msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Plural-Forms: {plural}\\n"\n'
          '"Content-Type: text/plain; charset=utf-8\\n"\n\n')
TRICKY = """# a comment
#, python-brace-format
msgid "one {n}"
msgstr "satu {n}"

#, fuzzy
msgid "fuzzy"
msgstr "kabur"

msgid "untranslated"
msgstr ""

msgid ""
"wrapped \\"quoted\\" \\\\ back\\n"
"slash\\ttab"
msgstr ""
"dibungkus \\"dikutip\\"\\n"
"baris"

msgctxt "menu"
msgid "Open"
msgstr "Buka"

msgid "file"
msgid_plural "files"
msgstr[0] "berkas"
msgstr[1] ""

msgid "empty plural"
msgid_plural "empty plurals"
msgstr[0] ""
msgstr[1] ""
msgid "no blank line before"
msgstr "tanpa baris kosong"
#| msgid "old"
msgid "previous id kept"
msgstr "id lama disimpan"

#~ msgid "obsolete"
#~ msgstr "usang"

#, fuzzy
#~ msgid "obsolete fuzzy"
#~ msgstr "usang kabur"

msgid "last"
msgstr "terakhir"
"""


@pytest.mark.parametrize("language, plural", [("en", "nplurals=2; plural=(n != 1);"),
                                              ("id", "nplurals=1; plural=0;")])
def test_the_forms_the_catalogs_may_hold_read_as_babel_reads_them(language: str,
                                                                   plural: str) -> None:
    text = HEADER.format(lang=language, plural=plural) + TRICKY
    assert_same(text, language)
    got = ours(text)
    assert got.gettext('wrapped "quoted" \\ back\nslash\ttab') == 'dibungkus "dikutip"\nbaris'
    assert got.pgettext("menu", "Open") == "Buka"
    assert got.gettext("fuzzy") == "fuzzy" and got.gettext("obsolete") == "obsolete"
    assert got.gettext("last") == "terakhir"
