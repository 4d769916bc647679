"""The evidence messages' Indonesian translations (in the `cli` catalog): complete, and each
keeping its template's {fields}."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[3]
FRAGMENT = REPO / "monitor" / "locale" / "id" / "LC_MESSAGES" / "cli.po"
SOURCES = [*sorted((REPO / "monitor" / "evidence").glob("*.py")),
           REPO / "monitor" / "cli" / "evidence_commands.py"]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _catalog() -> dict[str, str]:
    with FRAGMENT.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def _source_ids() -> set[str]:
    return {message for path in SOURCES
            for _, message, _, _ in extract_from_file("python", str(path))
            if isinstance(message, str)}


def test_every_evidence_message_has_an_indonesian_translation() -> None:
    missing = _source_ids() - set(_catalog())
    assert not missing, f"untranslated in {FRAGMENT.name}: {sorted(missing)[:5]}"


@pytest.mark.parametrize("msgid", sorted(_source_ids() & set(_catalog())))
def test_a_translation_keeps_the_fields_of_its_template(msgid: str) -> None:
    translated = _catalog()[msgid]
    assert translated and _fields(translated) == _fields(msgid)
    translated.format(**{name: "x" for name in _fields(msgid)})
