"""Catalogs: Indonesian by default, English available, every Indonesian entry translated."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from monitor.i18n import LOCALE_DIR, gettext_for, resolve_language

CATALOGS = sorted(LOCALE_DIR.glob("id/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("value, expected", [
    (None, "id"), ("", "id"), ("en", "en"), ("en_US.UTF-8", "en"), ("id-ID", "id"), ("fr", "id"),
])
def test_language_choice_falls_back_to_indonesian(value: str | None, expected: str) -> None:
    assert resolve_language(value) == expected


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_indonesian_message_is_translated(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str)
                                                       else all(m.string))]
    assert not missing, f"{path}: untranslated: {missing[:10]}"


@pytest.mark.parametrize("domain", ["cli", "web"])
def test_english_and_indonesian_catalogs_hold_the_same_ids(domain: str) -> None:
    ids = {}
    for language in ("id", "en"):
        with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            ids[language] = {m.id for m in read_po(handle) if m.id}
    assert ids["id"] == ids["en"]


def test_an_unknown_message_falls_back_to_its_english_id() -> None:
    assert gettext_for("id")("no such message id") == "no such message id"
