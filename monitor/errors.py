"""The errors a use case raises, carrying what each interface needs to report them.

    ServiceError            (http 400, exit 2)  base: the message is for the user as is
    ├── InvalidInput        (http 422, exit 2)  a value the user gave is not acceptable
    ├── PermissionDenied    (http 403, exit 3)  the actor's role lacks the right
    ├── NotFound            (http 404, exit 1)  no such item, source, user, model, case …
    └── Conflict            (http 409, exit 1)  the state changed since it was read (stale
                                                decision, a hold by someone else, a duplicate)

The CLI prints `pantau: <message>` and exits with `exit_code`; the web app answers `http_status`
with the message on the page. Storage errors are translated into these by the use cases.

A use case raises with an English template and its values, `Conflict("item {id} …", id=5)`:
`message` is the English text; `translated(_)` renders it in the reader's language through the
gettext catalogs (the templates are message ids, marked with `N_` so `make messages` finds them).
Storage's errors carry a template and values the same way (storage.errors); `storage_errors()`
(monitor.services.guard) passes them on, so they are translated like the use cases' own.
"""

from __future__ import annotations

from storage.errors import TemplatedError

__all__ = ["ServiceError", "InvalidInput", "PermissionDenied", "NotFound", "Conflict", "N_"]


def N_(template: str) -> str:
    """Marks a message id for extraction without translating it here."""
    return template


class ServiceError(TemplatedError):
    http_status = 400
    exit_code = 2


class InvalidInput(ServiceError):
    http_status = 422
    exit_code = 2


class PermissionDenied(ServiceError):
    http_status = 403
    exit_code = 3


class NotFound(ServiceError):
    http_status = 404
    exit_code = 1


class Conflict(ServiceError):
    http_status = 409
    exit_code = 1
