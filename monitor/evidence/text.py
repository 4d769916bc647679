"""Messages a person reads, in their language (interfaces: Indonesian by default, English ids).

Templates use `{name}` fields filled with `.format()` after translation, so a translation may
reorder them; `make messages` extracts every `_("…")` here into the `cli` catalog.
"""

from __future__ import annotations

from monitor.i18n import cli_language, gettext_for

__all__ = ["_", "said"]


def _(template: str) -> str:
    """The template in the command line's language (PANTAU_LANG, else Indonesian)."""
    return gettext_for(cli_language(), "cli")(template)


def said(text: str) -> str:
    """A text in the command line's language: a storage.errors.Message (such as the system's
    reason for an OSError, storage.errors.os_reason) translated, any other str as it is."""
    from storage.errors import Message

    return text.translated(gettext_for(cli_language(), "cli")) if isinstance(text, Message) else text
