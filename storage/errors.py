"""Storage's one error tree. Messages say what happened; they carry nothing UI-specific (the use
cases in monitor/services map them to monitor.errors, which know HTTP statuses and exit codes).

    StorageError (RuntimeError)         base: a storage problem, message readable as is
    ├── SchemaNotReady                  no schema or an older one: run `pantau init`
    ├── RowNotFound (LookupError)       no row with that id or name
    │   ├── ReviewNotFound
    │   ├── UserNotFound
    │   └── SourceNotFound
    ├── StaleVersion                    the row changed since it was read (optimistic lock)
    │   └── StaleDecision
    ├── DuplicateRow                    a unique name is taken (user, source)
    └── InvalidValue (ValueError)       a value the schema or a rule refuses
        └── UserError                   a user that cannot be created as asked

A user may read these messages ("pantau: the database … has no Pantau schema; run `pantau
init` first"), in Indonesian by default. Storage does not translate (it knows nothing of
languages or of monitor/): an error is raised with an English template marked `N_` and its
values, `UserNotFound(N_("no user named {name!r}"), name="ani")`. `str(error)` is the English
text (for logs and tests); `translated(gettext)` renders it through the caller's catalog — the
templates are message ids of the `cli` catalog (`make messages` extracts storage/ too), and the
CLI and the web app translate them where they are shown (monitor.cli.app.refusals,
monitor.services.guard). A value may itself be a `Message`, translated with the rest.

A `Worded` value is an outside text kept as it is in the English (the system's words for an
errno, `os_reason`; a parser's own warning; an error's class name, `error_kind` and, for any
exception, `exception_kind`), which a reader, an English one too, reads as a label of the
catalog instead. `exception_text` says any exception so: `Type: message` in the English, its
translated message alone (or its kind's label and English text) for readers.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["N_", "Message", "Worded", "ERROR_KINDS", "error_kind", "exception_kind",
           "exception_text", "os_reason", "render",
           "TemplatedError", "StorageError", "SchemaNotReady", "RowNotFound", "ReviewNotFound", "UserNotFound",
           "SourceNotFound", "StaleVersion", "StaleDecision", "DuplicateRow", "InvalidValue",
           "UserError"]


def N_(template: str) -> str:
    """Marks a message id for extraction without translating it here."""
    return template


def render(template: str, params: Mapping[str, Any],
           gettext: Callable[[str], str] | None = None) -> str:
    """`template` with `params` inserted, in the language of `gettext` (English without one);
    a `Message` value is rendered the same way. A translation that does not fit its values
    (a broken catalog entry) falls back to the English text."""
    english = template.format(**params) if params else template
    if gettext is None:
        return english
    values = {k: v.translated(gettext) if isinstance(v, Message) else v
              for k, v in params.items()}
    text = gettext(template)
    try:
        return text.format(**values) if params else text
    except (KeyError, IndexError, ValueError):
        return english


class Message(str):
    """An English text (a str: stored, logged and compared as one) that keeps its template and
    values, to be rendered in a reader's language where it is shown (`translated`)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = super().__new__(cls, render(template, params))
        text.template = template
        text.params = params
        return text

    def translated(self, gettext: Callable[[str], str] | None) -> str:
        return render(self.template, self.params, gettext)


class Worded(Message):
    """An outside text kept as it is in every English text (the system's words for an errno, a
    parser's own warning, an exception's class name): stored, logged and compared as that text,
    and shown to a reader, an English one too, as `template` rendered through their catalog."""

    def __new__(cls, text: str, template: str, **params: Any) -> Worded:
        worded = str.__new__(cls, text)
        worded.template = template
        worded.params = params
        return worded

    def translated(self, gettext: Callable[[str], str] | None) -> str:
        return str(self) if gettext is None else render(self.template, self.params, gettext)


# The kinds of error a failed run's text begins with, `FetchError: …` (the scrapers' error
# tree, scrapers.errors): class names, kept as they are in the English texts that scripts read,
# shown to readers as these labels.
ERROR_KINDS = {
    "ScraperError": N_("Source run failed"),
    "InvalidSource": N_("Invalid source"),
    "FetchError": N_("Fetch failed"),
    "RateLimited": N_("Rate limited"),
    "ParseError": N_("Unreadable content"),
}


def error_kind(name: str) -> str:
    """An error's class name, `Worded` with its label when it has one (ERROR_KINDS)."""
    label = ERROR_KINDS.get(name)
    return name if label is None else Worded(name, label)


# Python's and the database driver's kinds of error (class names, the nearest in an error's
# MRO decides) that a bug or a refusal outside our own error trees raises, said to readers as
# these labels; any other kind as UNEXPECTED. The class name stays in the English text.
_EXCEPTION_KINDS = {
    "UnicodeError": N_("Text encoding error"),
    "ValueError": N_("Invalid value"),
    "LookupError": N_("Missing field"),
    "TypeError": N_("Unexpected data type"),
    "AttributeError": N_("Unexpected data structure"),
    "RecursionError": N_("Nested too deeply"),
    "MemoryError": N_("Out of memory"),
    "TimeoutError": N_("Timed out"),
    "OSError": N_("System error"),
    "OperationalError": N_("Database operation failed"),
    "IntegrityError": N_("Database refused the data"),
    "DataError": N_("Database refused the data"),
    "SQLAlchemyError": N_("Database error"),
}
UNEXPECTED = N_("Unexpected error")


def exception_kind(exc: BaseException) -> Worded:
    """An exception's class name, `Worded` with its label: a kind of ours (ERROR_KINDS), a
    common kind of Python's or the database's, else "Unexpected error"."""
    name = type(exc).__name__
    label = ERROR_KINDS.get(name) or next(
        (_EXCEPTION_KINDS[c.__name__] for c in type(exc).__mro__ if c.__name__ in _EXCEPTION_KINDS),
        UNEXPECTED)
    return Worded(name, label)


def exception_text(exc: BaseException, limit: int | None = None) -> Message:
    """An error as `Type: message`, the English text scripts and logs read as ever, said to
    readers without a class name: an error raised with a template (TemplatedError) as its
    translated message alone (a kind of ours, ERROR_KINDS, before it as its label); any other
    as its kind's label (`exception_kind`) and its English text, cut at `limit` characters."""
    name = type(exc).__name__
    if isinstance(exc, TemplatedError):
        if name in ERROR_KINDS:  # "{kind}: {error}" is structure, no message id
            return Message("{kind}: {error}", kind=error_kind(name), error=exc.as_message())
        return Message("{error}", error=Worded(f"{name}: {exc}", exc.template, **exc.params))
    return Message("{kind}: {error}", kind=exception_kind(exc), error=str(exc)[:limit])


# errno → a short reason, for the errors met reading or writing a file and connecting to a
# host; the system's words stay the English
_OS_REASONS = {
    errno.ENOENT: N_("file not found"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("it is a directory, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a directory"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
    errno.ELOOP: N_("too many symbolic links"),
    errno.EIO: N_("input/output error"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EROFS: N_("the file system is read-only"),
    errno.ECONNREFUSED: N_("connection refused"),
    errno.ECONNRESET: N_("connection reset by the other side"),
    errno.ETIMEDOUT: N_("connection timed out"),
    errno.ENETUNREACH: N_("network unreachable"),
    errno.EHOSTUNREACH: N_("host unreachable"),
}

# socket.gaierror's codes (getaddrinfo's, not errno's: the numbers overlap) → a short reason
_DNS_REASONS = {
    socket.EAI_NONAME: N_("host name not known"),
    socket.EAI_AGAIN: N_("the name server did not answer, for now"),
    socket.EAI_FAIL: N_("the name server failed"),
} | {code: N_("the host name has no address")  # glibc's codes, absent elsewhere
     for code in (getattr(socket, "EAI_NODATA", None), getattr(socket, "EAI_ADDRFAMILY", None))
     if code is not None}


def os_reason(exc: BaseException) -> str:
    """Why the system refused a file or a host name: the system's own words (`strerror`, else
    the error's text), `Worded` with a short reason the catalog translates when its errno (a
    name lookup's socket.gaierror code) is a known one."""
    text = str(getattr(exc, "strerror", None) or exc)
    reasons = _DNS_REASONS if isinstance(exc, socket.gaierror) else _OS_REASONS
    reason = reasons.get(getattr(exc, "errno", None) or 0)
    return text if reason is None else Worded(text, reason)


class TemplatedError(Exception):
    """An error raised with an English template and its values (`message` is the English
    text), translated where it is shown; storage's and monitor's errors share it."""

    def __init__(self, template: str, **params: Any) -> None:
        message = render(template, params)
        super().__init__(message)
        self.message = message
        self.template = template
        self.params = params

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of `gettext` (a `Message` value is translated too; a
        broken translation falls back to the English text)."""
        return render(self.template, self.params, gettext)

    def as_message(self) -> Message:
        """This error's text as a `Message`: the value of another error that wraps it (with
        where it was found), translated with the rest."""
        return Message(self.template, **self.params)


class StorageError(TemplatedError, RuntimeError):
    """A storage problem the caller should report to the user (translated where shown).

    Raised with a template and its values, or with a text that is no message id (shown as it
    is in every language)."""


class SchemaNotReady(StorageError):
    """The database has no schema, or an older one: run `pantau init`."""


class RowNotFound(StorageError, LookupError):
    """No row with that id or name."""


class ReviewNotFound(RowNotFound):
    """No review item with that id."""


class UserNotFound(RowNotFound):
    """No user with that name."""


class SourceNotFound(RowNotFound):
    """No source with that name."""


class StaleVersion(StorageError):
    """The row changed since it was read; the message says how."""


class StaleDecision(StaleVersion):
    """A review item changed since it was read."""


class DuplicateRow(StorageError):
    """A unique name is already taken."""


class InvalidValue(StorageError, ValueError):
    """A value the schema or a rule refuses."""


class UserError(InvalidValue):
    """A user that cannot be created as asked; the message is for the user."""
