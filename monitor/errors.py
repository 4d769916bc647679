"""The errors a use case raises, carrying what each interface needs to report them.

    ServiceError            (http 400, exit 2)  base: the message is for the user as is
    ├── InvalidInput        (http 422, exit 2)  a value the user gave is not acceptable
    ├── PermissionDenied    (http 403, exit 3)  the actor's role lacks the right
    ├── NotFound            (http 404, exit 1)  no such item, source, user, model, case …
    └── Conflict            (http 409, exit 1)  the state changed since it was read (stale
                                                decision, a hold by someone else, a duplicate)

The CLI prints `pantau: <message>` and exits with `exit_code`; the web app answers `http_status`
with the message on the page. Storage errors are translated into these by the use cases.
"""

from __future__ import annotations

__all__ = ["ServiceError", "InvalidInput", "PermissionDenied", "NotFound", "Conflict"]


class ServiceError(Exception):
    http_status = 400
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
